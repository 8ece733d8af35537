import ConcertCore
import Foundation

/// The subscriptions on PostgreSQL, by the rules both engines share (``SubscriptionRules``, over
/// ``PostgresSubscriptionSteps``; ``SubscriptionStore``): the same-subscription refusal, the reminders planned with a subscription, the pending messages of
/// one that stops skipped, and the running counters kept (state moves by the schema's triggers,
/// inserts by this code, as on SQLite).
///
/// Several instances may create subscriptions at once: each creation, state change and import
/// takes the planning lock, and a creation its target's lock, before it reads (the lock order of
/// ``PostgresStore``).
extension PostgresStore {
    public func createSubscription(
        _ new: NewSubscription, now: Date, confirm: Bool, id: String
    ) throws -> (Subscription, nextConcert: StoredConcert?) {
        try planning { connection in
            try Self.lockTarget(connection, of: new.channel)
            return try SubscriptionRules.create(
                new, id: id, now: now, confirm: confirm, PostgresSubscriptionSteps(connection: connection))
        }
    }

    public func subscription(id: String) throws -> Subscription? {
        try pool.withConnection { connection in try Self.subscriptionRow(connection, id: id) }
    }

    /// Subscriptions not removed (or all), optionally only those of one city, oldest first (then
    /// by id, compared byte by byte as SQLite does, whatever the database's collation).
    public func subscriptions(city: String?, includeRemoved: Bool) throws -> [Subscription] {
        try pool.withConnection { connection in
            var sql = "SELECT \(Subscription.columns(of: "s")) FROM subscription s"
            var conditions: [String] = []
            var parameters: [PostgresValue] = []
            if let city {
                sql += " JOIN subscription_city sc ON sc.subscription_id = s.id"
                conditions.append("sc.city_id = $1")
                parameters.append(.text(city))
            }
            if !includeRemoved { conditions.append("s.state <> 'removed'") }
            if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
            sql += " ORDER BY s.created_at, s.id COLLATE \"C\""
            let rows = try connection.query(sql, parameters)
            return rows.map { Subscription(columns: PostgresRow(rows: rows, index: $0), at: 0) }
        }
    }

    /// Subscriptions not removed in the order they were made, after `after`: the position is the
    /// row's `position` (an identity, schema v12), as SQLite's is its `rowid`.
    public func subscriptions(
        city: String?, after: ListingPosition.Subscription?, limit: Int
    ) throws -> [(position: ListingPosition.Subscription, entry: Subscription)] {
        try pool.withConnection { connection in
            var sql = "SELECT s.position, \(Subscription.columns(of: "s")) FROM subscription s WHERE s.position > $1"
            var parameters: [PostgresValue] = [.integer(after ?? Int64.min), .integer(Int64(max(0, limit)))]
            if let city {
                sql +=
                    " AND EXISTS (SELECT 1 FROM subscription_city sc WHERE sc.subscription_id = s.id AND sc.city_id = $3)"
                parameters.append(.text(city))
            }
            sql += " AND s.state <> 'removed' ORDER BY s.position LIMIT $2"
            let rows = try connection.query(sql, parameters)
            return rows.map { (rows.int64($0, 0), Subscription(columns: PostgresRow(rows: rows, index: $0), at: 1)) }
        }
    }

    @discardableResult
    public func setSubscriptionState(
        id: String, to state: Subscription.State, reason: String?, now: Date
    ) throws -> Subscription {
        try planning { connection in try Self.setState(connection, id: id, to: state, reason: reason, now: now) }
    }

    public func subscriptionChangedAt(id: String) throws -> Date? {
        try pool.withConnection { connection in
            let rows = try connection.query("SELECT updated_at FROM subscription WHERE id = $1", [.text(id)])
            return rows.count == 0 ? nil : Date(millis: rows.int64(0, 0))
        }
    }

    public func reserveSubscriptionIDBlock(avoiding: Set<String>) throws -> SubscriptionIDBlock {
        try pool.withConnection { connection in
            SubscriptionIDBlock(prefix: try Self.freePrefix(connection, avoiding: avoiding))
        }
    }

    public func activeEmailSubscriptionCount() throws -> Int {
        try pool.withConnection { connection in
            try connection.query("SELECT COUNT(*) FROM subscription WHERE channel = 'email' AND state = 'active'")
                .int(0, 0)
        }
    }
}
