/// A failure of the PostgreSQL server or of the connection to it, classified by what the caller
/// can do about it.
///
/// The message is the server's primary message (never its DETAIL, which may quote a row's
/// values, secrets included) or libpq's connection error.
public struct PostgresError: Error, CustomStringConvertible, Sendable {
    /// What kind of failure this is, which decides whether trying again can help.
    public enum Kind: Sendable, Hashable {
        /// The connection is gone or could not be made (server down, restarting, network,
        /// authentication): a new connection later may succeed.
        case connectionLost
        /// The server refused the login: a wrong or missing password, an unknown role, no
        /// `pg_hba.conf` entry, a database that does not exist or may not be connected to. Only a
        /// person can mend it (SQLSTATE 28000, 28P01, 3D000, 42501 while connecting).
        case loginRefused
        /// A unique, foreign-key, check or not-null constraint refused the change.
        case constraint
        /// A serialization failure or deadlock: the transaction can be run again as it is.
        case serialization
        /// The server is short of a resource (disk, memory, connections) or shutting down.
        case unavailable
        /// A value could not be sent (text with a NUL byte, which PostgreSQL cannot store).
        case invalidValue
        /// Anything else: a bug in a statement, a missing table, permissions.
        case other
    }

    public var kind: Kind
    /// The five-character SQLSTATE, when the server gave one.
    public var sqlState: String?
    /// The constraint violated, for `.constraint`.
    public var constraint: String?
    public var message: String

    public init(_ kind: Kind, _ message: String, sqlState: String? = nil, constraint: String? = nil) {
        self.kind = kind
        self.message = message
        self.sqlState = sqlState
        self.constraint = constraint
    }

    /// The kind of failure an SQLSTATE names (https://www.postgresql.org/docs/15/errcodes-appendix.html).
    static func kind(ofSQLState state: String) -> Kind {
        switch state {
        case "40001", "40P01": return .serialization
        case "57P01", "57P02", "57P03": return .connectionLost  // admin/crash shutdown, cannot connect now
        default: break
        }
        switch state.prefix(2) {
        case "08": return .connectionLost  // connection exception
        case "23": return .constraint  // integrity constraint violation
        case "53", "57": return .unavailable  // insufficient resources, operator intervention
        case "28": return .connectionLost  // invalid authorization (a password changed, a role dropped)
        default: return .other
        }
    }

    /// The kind of failure an SQLSTATE names when the server sends it before the session began:
    /// a refused login, a server short of connections, or one that cannot take connections now.
    static func kind(ofStartupSQLState state: String) -> Kind {
        switch state {
        case "3D000", "42501": return .loginRefused  // no such database, no CONNECT privilege
        default: break
        }
        switch state.prefix(2) {
        case "28": return .loginRefused  // invalid authorization: password, role, pg_hba.conf
        case "53": return .unavailable  // too many connections
        default: return .connectionLost
        }
    }

    /// Whether waiting and trying again may succeed.
    public var isTemporary: Bool {
        switch kind {
        case .connectionLost, .serialization, .unavailable: true
        case .loginRefused, .constraint, .invalidValue, .other: false
        }
    }

    public var description: String {
        if let sqlState { return "\(message) (PostgreSQL \(sqlState))" }
        return message
    }
}
