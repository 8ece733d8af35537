import Foundation

/// Sends messages to email subscriptions: the renderer writes the words, the builder the MIME
/// message with its calendar attachment, the SMTP transport submits it to the smarthost.
public final class EmailChannel: Channel {
    private let sender: CurlSender
    private let transport: SMTPTransport
    private let builder: EmailMessageBuilder
    private let renderer: MessageRenderer

    public init(sender: CurlSender, transport: SMTPTransport, builder: EmailMessageBuilder, renderer: MessageRenderer) {
        self.sender = sender
        self.transport = transport
        self.builder = builder
        self.renderer = renderer
    }

    public func send(_ message: OutboundMessage, completion: @escaping @Sendable (Verdict) -> Void) {
        let bytes: Data
        let recipient: String
        do {
            bytes = try builder.build(message, content: EmailContent(renderer.render(message)))
            recipient = try EmailMessageBuilder.recipient(of: message)
        } catch {
            completion(.permanent(error: "the message could not be built: \(error)"))
            return
        }
        transport.send(bytes, to: [recipient], using: sender, completion: completion)
    }
}
