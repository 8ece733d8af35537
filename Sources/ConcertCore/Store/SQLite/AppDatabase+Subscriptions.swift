import Foundation
import GRDB

extension AppDatabase {
    /// Stores a subscription and plans its reminders in one transaction.
    ///
    /// Unless `confirm` is false, a confirmation naming the next concert is queued for now.
    /// Returns the subscription and that next concert, if any. A subscription that asks for the
    /// same as one not removed is refused with `conflict` naming it (`refuseSameSubscription`).
    public func createSubscription(
        _ new: NewSubscription, now: Date, confirm: Bool, id: String
    ) throws -> (Subscription, nextConcert: StoredConcert?) {
        try writer.write { db in
            try SubscriptionRules.create(new, id: id, now: now, confirm: confirm, SQLiteSubscriptionSteps(db: db))
        }
    }

    public func subscription(id: String) throws -> Subscription? {
        try writer.read { db in try Self.subscription(db, id: id) }
    }

    /// Subscriptions not removed, optionally only those of one city, oldest first.
    public func subscriptions(city: String?, includeRemoved: Bool) throws -> [Subscription] {
        try writer.read { db in
            var sql = "SELECT \(Subscription.columns(of: "s")) FROM subscription s"
            var conditions: [String] = []
            if city != nil {
                sql += " JOIN subscription_city sc ON sc.subscription_id = s.id"
                conditions.append("sc.city_id = ?")
            }
            if !includeRemoved { conditions.append("s.state <> 'removed'") }
            if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
            sql += " ORDER BY s.created_at, s.id"
            let statement = try BoundStatement(db, cached: sql)
            if let city { statement.bind(1, city) }
            return try statement.rows(db) { Subscription(columns: $0, at: 0) }
        }
    }

    /// Pauses, resumes, disables or removes a subscription. Pending messages of a subscription
    /// that stops are skipped with that reason (history is kept); one that becomes active again
    /// has its reminders planned anew from `now` on.
    @discardableResult
    public func setSubscriptionState(
        id: String, to state: Subscription.State, reason: String?, now: Date
    ) throws -> Subscription {
        try writer.write { db in try Self.setSubscriptionState(db, id: id, to: state, reason: reason, now: now) }
    }

    static func setSubscriptionState(
        _ db: Database, id: String, to state: Subscription.State, reason: String?, now: Date
    ) throws -> Subscription {
        try SubscriptionRules.setState(id: id, to: state, reason: reason, now: now, SQLiteSubscriptionSteps(db: db))
    }

    static func insert(_ db: Database, _ subscription: Subscription, source: Subscription.Source) throws {
        var format: String?
        var secret: String?
        if case .webhook(_, let f, let s) = subscription.channel {
            format = f
            secret = s
        }
        try db.execute(
            sql: """
                INSERT INTO subscription (id, channel, target, format, secret, destination, cities, offsets, lang,
                    label, state, state_reason, created_at, updated_at, source)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                subscription.id, subscription.channel.channelKind, subscription.channel.target, format, secret,
                subscription.channel.destination, subscription.cities.joined(separator: ","),
                subscription.offsets.map { String($0.seconds) }.joined(separator: ","),
                subscription.language.rawValue, subscription.label, subscription.state.rawValue,
                subscription.stateReason, subscription.createdAt.millis, subscription.createdAt.millis,
                source.rawValue,
            ])
        try Counters.add(db, "subscription." + subscription.state.rawValue)
        try Counters.add(db, Subscription.Source.counterName(source, subscription.state))
        for city in subscription.cities {
            try db.execute(
                sql: "INSERT OR IGNORE INTO subscription_city (city_id, subscription_id) VALUES (?, ?)",
                arguments: [city, subscription.id])
        }
    }

    static func subscription(_ db: Database, id: String) throws -> Subscription? {
        let statement = try BoundStatement(
            db, cached: "SELECT \(Subscription.columns(of: "subscription")) FROM subscription WHERE id = ?")
        statement.bind(1, id)
        return try statement.rows(db) { Subscription(columns: $0, at: 0) }.first
    }
}

extension AppDatabase {
    /// A block of subscription ids no stored subscription has and whose prefix is not in
    /// `avoiding`, for a staged import to hand out before its commit.
    public func reserveSubscriptionIDBlock(avoiding: Set<String>) throws -> SubscriptionIDBlock {
        try writer.read { db in SubscriptionIDBlock(prefix: try SequentialIDs.freePrefix(db, avoiding: avoiding)) }
    }

    /// The bulk path of `concertctl subscribe --from`: `body` hands the subscriptions to the
    /// importer one by one (so they need not all be in memory at once), all in one transaction
    /// that `body` aborts by throwing. Returns how many were stored.
    ///
    /// The transaction runs with foreign keys off: every row it inserts refers to a concert read
    /// in it or a subscription it inserted, and with immediate foreign keys SQLite keeps a
    /// statement journal for every insert. CHECK constraints stay on: they are plain comparisons,
    /// cheap at every insert (`StoreScale` measures an import with them); written as `IN` lists, they would
    /// make SQLite build a temporary b-tree per list at every insert. Afterwards the write-ahead log,
    /// as large as everything the import wrote, is checkpointed and truncated.
    @discardableResult
    public func importSubscriptions(now: Date, _ body: (any SubscriptionImporting) throws -> Void) throws -> Int {
        try writer.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA foreign_keys = OFF")
            defer { try? db.execute(sql: "PRAGMA foreign_keys = ON") }
            var count = 0
            try db.inTransaction(.immediate) {
                let defaultCache = try Int.fetchOne(db, sql: "PRAGMA cache_size") ?? -2000
                try db.execute(sql: "PRAGMA cache_size = -\(SubscriptionImporter.cacheKiB)")
                defer { try? db.execute(sql: "PRAGMA cache_size = \(defaultCache)") }
                let importer = try SubscriptionImporter(db, now: now)
                try body(importer)
                try importer.finish()
                count = importer.subscriptions
                return .commit
            }
            _ = try? Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)")
            return count
        }
    }
}

extension AppDatabase {
    /// When a subscription last changed (its state, for one that is paused, disabled or removed:
    /// a removed one changes no more); `nil` when there is no such subscription.
    public func subscriptionChangedAt(id: String) throws -> Date? {
        try writer.read { db in
            try Int64.fetchOne(db, sql: "SELECT updated_at FROM subscription WHERE id = ?", arguments: [id])
                .map(Date.init(millis:))
        }
    }
}
