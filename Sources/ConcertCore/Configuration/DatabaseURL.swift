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

    /// The database as `HOST:PORT/NAME`, how concertd names it in messages, `status` and the
    /// journal: never the user, the password or the TLS settings.
    public var serverDescription: String {
        "\(host.contains(":") ? "[\(host)]" : host):\(effectivePort)/\(database)"
    }

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
        let parts = try URLAuthority(parsing: authority, passwordKeys: "database_password")
        user = parts.user
        port = parts.port
        if parts.bracketed {
            host = String(parts.host)
        } else if parts.host.hasPrefix("%2F") || parts.host.hasPrefix("%2f") {
            host = try URLAuthority.decoded(parts.host, what: "the socket directory")
        } else {
            host = String(parts.host)
            guard URLAuthority.isHostName(host) else {
                throw ConfigurationValueError(
                    "'\(host)' is not a valid host name, IP address or percent-encoded socket directory (%2Frun%2Fpostgresql)"
                )
            }
        }
        database = try URLAuthority.decoded(path, what: "the database name after '/'")
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
            let value = try URLAuthority.decoded(parts[1], what: "the value of \(name)")
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
                throw URLAuthority.passwordInURL("database_password")
            default:
                throw ConfigurationValueError(
                    "the query parameter '\(name)' is not used: only sslmode and sslrootcert may be given")
            }
        }
    }
}
