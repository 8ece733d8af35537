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
        var hostPort = authority
        if let at = authority.lastIndex(of: "@") {
            let userInfo = authority[..<at]
            hostPort = authority[authority.index(after: at)...]
            if userInfo.contains(":") {
                throw ConfigurationValueError(
                    "the URL must not contain a password; put it in a file named by smtp_password_file, an environment variable named by smtp_password_env, or a systemd credential named by smtp_password_credential"
                )
            }
            guard !userInfo.isEmpty, let decoded = userInfo.removingPercentEncoding, !decoded.isEmpty,
                decoded.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7f })
            else { throw ConfigurationValueError("the user name before '@' is empty or not valid percent-encoding") }
            user = decoded
        } else {
            user = nil
        }
        let (host, portText) = try Self.splitHostPort(hostPort)
        guard Self.isValidHost(host) else {
            throw ConfigurationValueError("'\(host)' is not a valid host name or IP address")
        }
        self.host = host
        if let portText {
            guard portText.allSatisfy({ $0.isASCII && $0.isNumber }), let port = Int(portText),
                (1...65_535).contains(port)
            else {
                throw ConfigurationValueError("the port '\(portText)' is not a number from 1 to 65535")
            }
            self.port = port
        } else {
            port = nil
        }
    }

    private static func splitHostPort(_ text: Substring) throws(ConfigurationValueError) -> (String, Substring?) {
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                throw ConfigurationValueError("the IPv6 address has no closing ']'")
            }
            let host = String(text[text.index(after: text.startIndex)..<close])
            let after = text[text.index(after: close)...]
            if after.isEmpty { return (host, nil) }
            guard after.hasPrefix(":") else { throw ConfigurationValueError("unexpected text after the IPv6 address") }
            return (host, after.dropFirst())
        }
        if let colon = text.firstIndex(of: ":") {
            return (String(text[..<colon]), text[text.index(after: colon)...])
        }
        return (String(text), nil)
    }

    private static func isValidHost(_ host: String) -> Bool {
        guard !host.isEmpty, host.count <= 253 else { return false }
        if host.contains(":") {
            return host.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
        }
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-")
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        return labels.allSatisfy { label in
            !label.isEmpty && label.count <= 63 && label.allSatisfy(allowed.contains) && !label.hasPrefix("-")
                && !label.hasSuffix("-")
        }
    }
}
