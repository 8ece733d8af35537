/// The words of one email, already written in the subscriber's language: what the message
/// renderer produces, and all the email builder needs besides the outbound message.
public struct EmailContent: Sendable, Hashable {
    /// One line. Line breaks and runs of whitespace are shown as a single space.
    public var subject: String
    /// The message's body as plain text, without the subject (the Subject header carries it),
    /// lines separated by `\n` (or `\r\n`).
    public var body: String
    /// The message as HTML: a fragment (wrapped in a small UTF-8 document when sent) or a
    /// whole document (one that contains `<html`, sent as it is). Values must already be escaped.
    public var html: String

    public init(subject: String, body: String, html: String) {
        self.subject = subject
        self.body = body
        self.html = html
    }
}

extension EmailContent {
    /// The email words of a rendered message: its subject, its body as text, its HTML.
    public init(_ rendered: RenderedMessage) {
        self.init(subject: rendered.subject, body: rendered.body, html: rendered.html)
    }
}
