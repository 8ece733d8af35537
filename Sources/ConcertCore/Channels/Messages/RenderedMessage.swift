/// One message written out for one subscriber: a subject, plain text and HTML.
public struct RenderedMessage: Sendable, Hashable {
    /// One line: an email's Subject, the first line of a chat message.
    public var subject: String
    /// The whole message as plain text: the subject line, a blank line, the body. Values are not escaped.
    public var text: String
    /// The same message as a small HTML fragment for email: one `<p>` per paragraph, `<br>` between
    /// lines, links for URLs, the subject in `<strong>`. Every value is HTML-escaped.
    public var html: String
    public var language: Language

    public init(subject: String, text: String, html: String, language: Language) {
        self.subject = subject
        self.text = text
        self.html = html
        self.language = language
    }

    /// The text after the subject line and its blank line, for formats that show the subject apart.
    public var body: String {
        guard let range = text.range(of: "\n\n") else { return "" }
        return String(text[range.upperBound...])
    }
}
