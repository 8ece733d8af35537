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

    /// The stage a command starts, from its verb (`MAIL`); `nil` for other verbs.
    init?(command verb: String) {
        switch verb {
        case "EHLO", "HELO": self = .hello
        case "STARTTLS": self = .startTLS
        case "AUTH": self = .auth
        case "MAIL": self = .mail
        case "RCPT": self = .recipient
        case "DATA": self = .data
        default: return nil
        }
    }

    /// The verbs a mail transfer's conversation reports: those that start a stage, and `QUIT`.
    static let reportedCommands: Set<String> = ["EHLO", "HELO", "STARTTLS", "AUTH", "MAIL", "RCPT", "DATA", "QUIT"]

    /// How far `conversation` got, and the server's last reply before libcurl's `QUIT` (after a
    /// failure, the server's "221 Bye" must not hide the reply that mattered).
    static func reached(in conversation: [TransferResult.Line]) -> (stage: SMTPStage, lastReply: String?) {
        var stage = SMTPStage.connect
        var lastReply: String?
        for line in conversation {
            switch line {
            case .reply(let text):
                if stage == .connect { stage = .greeting }
                lastReply = text
            case .command("QUIT"):
                return (stage, lastReply)
            case .command(let verb):
                if let started = SMTPStage(command: verb) { stage = started }
            case .uploadStarted:
                if stage == .data { stage = .message }
            }
        }
        return (stage, lastReply)
    }
}
