import Foundation

/// The smarthost concertd sends email through: `smtp://[user@]host[:port]` or `smtps://…`.
///
/// `smtp://` connects in clear and upgrades with STARTTLS (required whenever a password is set,
/// see ``DaemonConfiguration/smtpRequiresTLS``); `smtps://` is TLS from the first byte. The URL never
/// carries a password: it comes from `smtp_password_file`, `smtp_password_env` or
/// `smtp_password_credential`, so that it appears neither in the file nor on the command line.
public struct SMTPURL: Sendable, Hashable, CustomStringConvertible {
    /// Whether TLS starts with the connection (`smtps://`) rather than by STARTTLS (`smtp://`).
    public var implicitTLS: Bool
    /// The user for SMTP AUTH, percent-decoded (`me@example.com` is written `me%40example.com`).
    public var user: String?
    /// A host name or an IP address; an IPv6 address without its brackets.
    public var host: String
    /// The port given in the URL, if any.
    public var port: Int?

    public init(implicitTLS: Bool, user: String? = nil, host: String, port: Int? = nil) {
        self.implicitTLS = implicitTLS
        self.user = user
        self.host = host
        self.port = port
    }

    /// `smtp` or `smtps`.
    public var scheme: String { implicitTLS ? "smtps" : "smtp" }

    /// The port connected to: the URL's, else 25 for `smtp` and 465 for `smtps`.
    public var effectivePort: Int { port ?? (implicitTLS ? 465 : 25) }

    /// The URL to hand to libcurl: scheme, host and port, without the user (set separately).
    public var connectionURL: String { "\(scheme)://\(bracketedHost):\(effectivePort)" }

    /// The URL as written, with the user but never a password: `smtp://me%40example.com@mail.example.com:587`.
    public var description: String {
        var text = "\(scheme)://"
        if let user {
            text += (user.addingPercentEncoding(withAllowedCharacters: Self.userAllowed) ?? user) + "@"
        }
        text += bracketedHost
        if let port { text += ":\(port)" }
        return text
    }

    private var bracketedHost: String { host.contains(":") ? "[\(host)]" : host }

    private static let userAllowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~!$&'()*+,;="))
        .subtracting(CharacterSet(charactersIn: "@:/%"))

    /// Parses and checks a smarthost URL; the error says what is wrong without echoing a password.
    public init(parsing text: String) throws(ConfigurationValueError) {
        let text = text.trimmingCharacters(in: .whitespaces)
        guard let schemeEnd = text.range(of: "://") else {
            throw ConfigurationValueError("expected smtp://[user@]host[:port] or smtps://[user@]host[:port]")
        }
        switch text[..<schemeEnd.lowerBound].lowercased() {
        case "smtp": implicitTLS = false
        case "smtps": implicitTLS = true
        default:
            throw ConfigurationValueError(
                "the scheme '\(text[..<schemeEnd.lowerBound])' is not smtp or smtps: write smtp://[user@]host[:port] or smtps://…"
            )
        }
        let rest = text[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex(where: { "/?#".contains($0) }) ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        let tail = rest[authorityEnd...]
        guard tail.isEmpty || tail == "/" else {
            throw ConfigurationValueError("the URL must end after host[:port]; a path, query or fragment is not used")
        }
        let parts = try URLAuthority(parsing: authority, passwordKeys: "smtp_password")
        user = parts.user
        host = String(parts.host)
        guard parts.bracketed || URLAuthority.isHostName(host) else {
            throw ConfigurationValueError("'\(host)' is not a valid host name or IP address")
        }
        port = parts.port
    }
}
