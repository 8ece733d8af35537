/// What an instance tells the others sharing the database when it changed something that may move
/// their next due time: the one definition of the `NOTIFY` channel and its payloads, for the
/// senders (the store, in the transaction that made the change) and the listeners (the daemon).
///
/// The payload is `KIND INSTANCE`: what changed, and the `instance_name` of the instance that
/// changed it, so that an instance can pass over its own notices (it woke its own scheduler
/// already). `NOTIFY` is sent when the transaction commits and not at all when it rolls back, and
/// the server folds the same payload sent twice in one transaction into one.
public struct StoreChangeNotice: Sendable, Hashable {
    /// The channel every instance listens on.
    public static let channel = "concertd_store_changes"

    public enum Kind: String, Sendable, CaseIterable {
        /// Rows of the outbox were planned, skipped or put back (a subscription made, changed,
        /// paused, resumed or removed, through the socket, an import or the web front door; a
        /// concert changed; a catalog imported; a failed delivery retried): re-plan from the store.
        case deliveries
        /// The catalog in force changed (a reload on another instance): take it, then re-plan.
        case catalog
    }

    public var kind: Kind
    /// The `instance_name` of the instance that made the change.
    public var instance: String

    public init(kind: Kind, instance: String) {
        self.kind = kind
        self.instance = instance
    }

    /// The notice a payload on ``channel`` carries; nil for one this code does not know (sent by a
    /// newer concertd), which a listener still treats as a change.
    public init?(payload: String) {
        let parts = payload.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, let kind = Kind(rawValue: String(parts[0])) else { return nil }
        self.init(kind: kind, instance: String(parts[1]))
    }

    public var payload: String { "\(kind.rawValue) \(instance)" }

    /// The SQL that sends a notice of `kind` from the instance of the connection's session
    /// (`concertd.instance`, set on each of the store's connections), when its transaction commits.
    static func sql(_ kind: Kind) -> String {
        "pg_notify('\(channel)', '\(kind.rawValue) ' || coalesce(current_setting('concertd.instance', true), ''))"
    }

    /// Sends a notice of `kind` in the connection's transaction (at its commit).
    static func send(_ kind: Kind, _ connection: PostgresConnection) throws {
        try connection.query("SELECT \(sql(kind))")
    }
}
