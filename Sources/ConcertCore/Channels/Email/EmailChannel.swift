import Foundation

/// Sends messages to email subscriptions: the renderer writes the words, the builder the MIME
/// message with its calendar attachment, and the transport submits it to the smarthost.
///
/// The message is built on the transport thread, just before its transfer starts (the scheduler's
/// thread only claims and records), so that a fan-out uses both cores.
public final class EmailChannel: Channel {
    private let builder: EmailMessageBuilder
    private let smarthost: Smarthost
    private let renderer: MessageRenderer
    private let transport: CurlTransport

    public init(settings: EmailSettings, smarthost: Smarthost, renderer: MessageRenderer, transport: CurlTransport) {
        self.builder = EmailMessageBuilder(settings: settings)
        self.smarthost = smarthost
        self.renderer = renderer
        self.transport = transport
    }

    /// Builds and submits `message`. A message that cannot be built is `permanent`; an envelope
    /// sender the smarthost cannot be given holds the smarthost (`destinationFailed`).
    public func send(_ message: OutboundMessage, completion: @escaping @Sendable (Verdict) -> Void) {
        if let problem = smarthost.envelopeProblem {
            completion(.destinationFailed(error: problem, retryAfter: nil))
            return
        }
        let builder = self.builder
        let renderer = self.renderer
        let smarthost = self.smarthost
        transport.send {
            let bytes: Data
            let recipient: String
            do {
                bytes = try builder.build(message, content: EmailContent(renderer.render(message)))
                recipient = try EmailMessageBuilder.recipient(of: message)
            } catch {
                throw BuildProblem(description: "the message could not be built: \(error)")
            }
            return .mail(smarthost.transfer(of: bytes, to: [recipient]))
        } completion: { result in
            completion(SMTPVerdict.verdict(of: result))
        }
    }

    /// Why a message was not submitted (a `permanent` verdict).
    private struct BuildProblem: Error, CustomStringConvertible {
        var description: String
    }
}
