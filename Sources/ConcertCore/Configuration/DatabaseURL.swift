import Foundation

/// A PostgreSQL server holding the store, shared by several concertd instances:
/// `postgresql://[user@]host[:port]/dbname[?sslmode=…&sslrootcert=…]`.
///
/// The URL never carries a password: it comes from `database_password_file`,
/// `database_password_env` or `database_password_credential`, as the SMTP password does. The host
/// may be a Unix socket directory, percent-encoded (`postgresql://concertd@%2Frun%2Fpostgresql/concertd`).
/// Of libpq's parameters only the TLS ones are accepted in the query: every other connection
/// setting is concertd's to choose (timeouts, keepalives, the application name).
public struct DatabaseURL: Sendable, Hashable, CustomStringConvertible {
    /// libpq's `sslmode`: how much TLS is required, and what of the server's certificate is checked.
    public enum SSLMode: String, Sendable, Hashable, CaseIterable {
        case disable, allow, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    /// The role to log in as, percent-decoded; `nil`: libpq's default, the name of the daemon's user.
    public var user: String?
    /// A host name, an IP address (IPv6 without brackets) or an absolute Unix socket directory.
    public var host: String
    /// The port given in the URL, if any (PostgreSQL's 5432 otherwise).
    public var port: Int?
    /// The database name, percent-decoded.
    public var database: String
    /// `sslmode`; `nil`: libpq's default, `prefer`.
    public var sslMode: SSLMode?
    /// `sslrootcert`: a PEM file of the CAs trusted for the server's certificate.
    public var sslRootCert: String?

    public init(
        user: String? = nil, host: String, port: Int? = nil, database: String, sslMode: SSLMode? = nil,
        sslRootCert: String? = nil
    ) {
        self.user = user
        self.host = host
        self.port = port
        self.database = database
        self.sslMode = sslMode
        self.sslRootCert = sslRootCert
    }

    /// The port connected to.
    public var effectivePort: Int { port ?? 5432 }

    /// The URL as written, with the user but never a password.
    public var description: String {
        var text = "postgresql://"
        if let user { text += Self.encode(user) + "@" }
        if host.hasPrefix("/") {
            text += Self.encode(host)
        } else {
            text += host.contains(":") ? "[\(host)]" : host
        }
        if let port { text += ":\(port)" }
        text += "/" + Self.encode(database)
        var query: [String] = []
        if let sslMode { query.append("sslmode=\(sslMode.rawValue)") }
        if let sslRootCert { query.append("sslrootcert=\(Self.encode(sslRootCert))") }
        if !query.isEmpty { text += "?" + query.joined(separator: "&") }
        return text
    }

    private static let unreserved = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))

    private static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }

    private static let shape = "postgresql://[user@]host[:port]/dbname[?sslmode=…&sslrootcert=…]"

    /// Parses and checks a server URL; the error says what is wrong without echoing a password.
    public init(parsing text: String) throws(ConfigurationValueError) {
        let text = text.trimmingCharacters(in: .whitespaces)
        guard let schemeEnd = text.range(of: "://") else { throw ConfigurationValueError("expected \(Self.shape)") }
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "postgresql" || scheme == "postgres" else {
            throw ConfigurationValueError(
                "the scheme '\(text[..<schemeEnd.lowerBound])' is not postgresql: write \(Self.shape)")
        }
        let rest = text[schemeEnd.upperBound...]
        guard let slash = rest.firstIndex(where: { "/?#".contains($0) }), rest[slash] == "/" else {
            throw ConfigurationValueError("the URL names no database: write \(Self.shape)")
        }
        let authority = rest[..<slash]
        var path = rest[rest.index(after: slash)...]
        var queryText: Substring = ""
        if let question = path.firstIndex(of: "?") {
            queryText = path[path.index(after: question)...]
            path = path[..<question]
        }
        guard !path.contains("#"), !queryText.contains("#") else {
            throw ConfigurationValueError("the URL must not have a fragment ('#')")
        }
        var hostPort = authority
        if let at = authority.lastIndex(of: "@") {
            let userInfo = authority[..<at]
            hostPort = authority[authority.index(after: at)...]
            if userInfo.contains(":") {
                throw ConfigurationValueError(
                    "the URL must not contain a password; put it in a file named by database_password_file, an environment variable named by database_password_env, or a systemd credential named by database_password_credential"
                )
            }
            user = try Self.decoded(userInfo, what: "the user name before '@'")
        } else {
            user = nil
        }
        (host, port) = try Self.hostAndPort(hostPort)
        database = try Self.decoded(path, what: "the database name after '/'")
        guard !database.contains("/") else {
            throw ConfigurationValueError("the database name '\(database)' contains '/': write \(Self.shape)")
        }
        sslMode = nil
        sslRootCert = nil
        try readQuery(queryText)
    }

    private mutating func readQuery(_ queryText: Substring) throws(ConfigurationValueError) {
        guard !queryText.isEmpty else { return }
        var seen = Set<String>()
        for pair in queryText.split(separator: "&", omittingEmptySubsequences: false) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0])
            guard parts.count == 2 else {
                throw ConfigurationValueError("the query parameter '\(name)' has no '=value'")
            }
            guard seen.insert(name).inserted else {
                throw ConfigurationValueError("the query parameter \(name) is given twice")
            }
            let value = try Self.decoded(parts[1], what: "the value of \(name)")
            switch name {
            case "sslmode":
                guard let mode = SSLMode(rawValue: value) else {
                    throw ConfigurationValueError(
                        "sslmode '\(value)' is not one of \(SSLMode.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                sslMode = mode
            case "sslrootcert":
                guard value.hasPrefix("/") else {
                    throw ConfigurationValueError(
                        "sslrootcert '\(value)' is not an absolute path (it must start with /)")
                }
                sslRootCert = value
            case "password":
                throw ConfigurationValueError(
                    "the URL must not contain a password; put it in a file named by database_password_file, an environment variable named by database_password_env, or a systemd credential named by database_password_credential"
                )
            default:
                throw ConfigurationValueError(
                    "the query parameter '\(name)' is not used: only sslmode and sslrootcert may be given")
            }
        }
    }

    private static func decoded(_ text: Substring, what: String) throws(ConfigurationValueError) -> String {
        guard !text.isEmpty else { throw ConfigurationValueError("\(what) is empty") }
        guard let decoded = text.removingPercentEncoding, !decoded.isEmpty,
            decoded.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7f })
        else { throw ConfigurationValueError("\(what) is not valid percent-encoding of printable text") }
        return decoded
    }

    private static func hostAndPort(_ text: Substring) throws(ConfigurationValueError) -> (String, Int?) {
        var hostText = text
        var portText: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                throw ConfigurationValueError("the IPv6 address has no closing ']'")
            }
            hostText = text[text.index(after: text.startIndex)..<close]
            let after = text[text.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else {
                    throw ConfigurationValueError("unexpected text after the IPv6 address")
                }
                portText = after.dropFirst()
            }
            guard !hostText.isEmpty, hostText.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else {
                throw ConfigurationValueError("'\(hostText)' is not an IPv6 address")
            }
        } else if let colon = text.lastIndex(of: ":") {
            hostText = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        let host: String
        if hostText.hasPrefix("%2F") || hostText.hasPrefix("%2f") {
            host = try decoded(hostText, what: "the socket directory")
        } else {
            host = String(hostText)
            guard text.hasPrefix("[") || isValidHostName(host) else {
                throw ConfigurationValueError(
                    "'\(host)' is not a valid host name, IP address or percent-encoded socket directory (%2Frun%2Fpostgresql)"
                )
            }
        }
        guard let portText else { return (host, nil) }
        guard portText.allSatisfy({ $0.isASCII && $0.isNumber }), let port = Int(portText), (1...65_535).contains(port)
        else { throw ConfigurationValueError("the port '\(portText)' is not a number from 1 to 65535") }
        return (host, port)
    }

    private static func isValidHostName(_ host: String) -> Bool {
        guard !host.isEmpty, host.count <= 253 else { return false }
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-")
        return host.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            !label.isEmpty && label.count <= 63 && label.allSatisfy(allowed.contains) && !label.hasPrefix("-")
                && !label.hasSuffix("-")
        }
    }
}
