import Foundation

/// Sends messages to email subscriptions: the renderer writes the words, the builder the MIME
/// message with its calendar attachment, the transport submits it to the smarthost, and the
/// smarthost's reply becomes a verdict (`Smarthost.verdict(of:)`).
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
    /// sender the smarthost cannot be given holds the smarthost (`destinationFailed`). Neither
    /// makes a connection.
    public func send(_ message: OutboundMessage, completion: @escaping @Sendable (Verdict) -> Void) {
        let builder = self.builder
        let renderer = self.renderer
        let smarthost = self.smarthost
        transport.send { () throws(TransferPreparationError) in
            try smarthost.checkEnvelope()
            let bytes: Data
            let recipient: String
            do {
                bytes = try builder.build(message, content: EmailContent(renderer.render(message)))
                recipient = try EmailMessageBuilder.recipient(of: message)
            } catch {
                throw .invalidRequest("the message could not be built: \(error)")
            }
            return .mail(smarthost.transfer(of: bytes, to: [recipient]))
        } completion: { result in
            completion(smarthost.verdict(of: result))
        }
    }
}
