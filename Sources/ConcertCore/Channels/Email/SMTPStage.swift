/// How far an SMTP conversation got: it decides whom a failure is about.
///
/// Failures up to `auth` are the smarthost's; from `mail` on they concern the message.
public enum SMTPStage: String, Sendable, Hashable, CaseIterable {
    /// Before any reply: resolving, connecting, the TLS handshake of `smtps`.
    case connect
    /// The server's 220 greeting.
    case greeting
    /// EHLO or HELO.
    case hello
    /// STARTTLS and its handshake.
    case startTLS = "starttls"
    /// AUTH.
    case auth
    /// MAIL FROM.
    case mail
    /// RCPT TO.
    case recipient
    /// The DATA command.
    case data
    /// The message itself and the server's reply to it.
    case message

    /// Whether a failure at this stage is the smarthost's rather than the message's.
    public var isBeforeTransaction: Bool {
        switch self {
        case .connect, .greeting, .hello, .startTLS, .auth: true
        case .mail, .recipient, .data, .message: false
        }
    }

    /// The stage a command sent by libcurl starts, from its verb; `nil` for other lines.
    ///
    /// AUTH continuation lines carry credentials: only their first word is looked at, and it is
    /// never stored.
    static func started(byCommand line: UnsafeRawBufferPointer) -> SMTPStage? {
        let verb = line.prefix { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\r") && $0 != UInt8(ascii: "\n") }
        guard verb.count <= 8 else { return nil }
        switch String(decoding: verb, as: UTF8.self).uppercased() {
        case "EHLO", "HELO": return .hello
        case "STARTTLS": return .startTLS
        case "AUTH": return .auth
        case "MAIL": return .mail
        case "RCPT": return .recipient
        case "DATA": return .data
        default: return nil
        }
    }
}
