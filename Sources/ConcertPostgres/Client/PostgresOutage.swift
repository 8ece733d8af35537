import Foundation

/// The server out of reach, as a ``PostgresPool`` last found it: since when, and why.
///
/// Held in memory by the pool, so that `status` can say the store is away without asking it.
public struct PostgresOutage: Sendable, Hashable {
    /// The first failure of this outage.
    public var since: Date
    /// The last failure's reason, libpq's or the server's.
    public var error: PostgresError
    /// Connection attempts and calls that failed since `since`.
    public var failures: Int

    public init(since: Date, error: PostgresError, failures: Int = 1) {
        self.since = since
        self.error = error
        self.failures = failures
    }
}

extension PostgresError: Hashable {
    public static func == (lhs: PostgresError, rhs: PostgresError) -> Bool {
        lhs.kind == rhs.kind && lhs.message == rhs.message && lhs.sqlState == rhs.sqlState
            && lhs.constraint == rhs.constraint
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(kind)
        hasher.combine(message)
        hasher.combine(sqlState)
    }
}
