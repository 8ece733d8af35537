import ConcertCore
import Foundation

/// The subscriptions on PostgreSQL, with the SQLite store's rules (``SubscriptionStore``): the
/// same-subscription refusal, the reminders planned with a subscription, the pending messages of
/// one that stops skipped, and the running counters kept (state moves by the schema's triggers,
/// inserts by this code, as on SQLite).
///
/// Several instances may create subscriptions at once: a new subscription holds a transaction
/// lock on its channel's target while it checks for the same one and inserts itself, so two
/// instances creating the same subscription together cannot both pass the check; a bulk import
/// holds the lock that every creation shares (``PostgresSubscriptions/lockForNewSubscription(_:target:)``).
extension PostgresStore: SubscriptionStore {
    public func createSubscription(
        _ new: NewSubscription, now: Date, confirm: Bool, id: String
    ) throws -> (Subscription, nextConcert: StoredConcert?) {
        try pool.withConnection { connection in
            try connection.transaction {
                try PostgresSubscriptions.lockForNewSubscription(connection, target: new.channel.target)
                try PostgresSubscriptions.refuseSameSubscription(connection, as: new)
                let subscription = Subscription(
                    id: id, channel: new.channel, cities: new.cities, offsets: new.offsets, language: new.language,
                    label: new.label, createdAt: now)
                try PostgresSubscriptions.insert(connection, subscription, source: .control)
                let next = try PostgresSubscriptions.plan(
                    connection, subscription, after: now, now: now, confirm: confirm)
                return (subscription, next)
            }
        }
    }

    public func subscription(id: String) throws -> Subscription? {
        try pool.withConnection { connection in try PostgresSubscriptions.subscription(connection, id: id) }
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
        try pool.withConnection { connection in
            try connection.transaction {
                try PostgresSubscriptions.setState(connection, id: id, to: state, reason: reason, now: now)
            }
        }
    }

    public func subscriptionChangedAt(id: String) throws -> Date? {
        try pool.withConnection { connection in
            let rows = try connection.query("SELECT updated_at FROM subscription WHERE id = $1", [.text(id)])
            return rows.count == 0 ? nil : Date(millis: rows.int64(0, 0))
        }
    }

    public func reserveSubscriptionIDBlock(avoiding: Set<String>) throws -> SubscriptionIDBlock {
        try pool.withConnection { connection in
            SubscriptionIDBlock(prefix: try PostgresSubscriptions.freePrefix(connection, avoiding: avoiding))
        }
    }

    public func activeEmailSubscriptionCount() throws -> Int {
        try pool.withConnection { connection in
            try connection.query("SELECT COUNT(*) FROM subscription WHERE channel = 'email' AND state = 'active'")
                .int(0, 0)
        }
    }
}

/// The subscription rows on PostgreSQL, inside the caller's transaction: what creating one,
/// changing its state and importing many share.
enum PostgresSubscriptions {
    /// The class of the transaction locks a new subscription takes on its target
    /// (`pg_advisory_xact_lock(class, hashtext(target))`): "subs".
    static let targetLockClass: Int64 = 0x7375_6273
    /// The lock every new subscription shares and a bulk import holds alone: "subsimpt".
    static let importLockKey: Int64 = 0x7375_6273_696D_7074

    /// Takes the locks a new subscription holds until its transaction ends: the import lock,
    /// shared, then its target's, so that the same-subscription check and the insert are not
    /// interleaved with another instance's creation of the same one, or with a bulk import.
    static func lockForNewSubscription(_ connection: PostgresConnection, target: String) throws {
        try connection.query(
            "SELECT pg_advisory_xact_lock_shared($1::bigint), pg_advisory_xact_lock($2::int, hashtext($3))",
            [.integer(importLockKey), .integer(targetLockClass), .text(target)])
    }

    /// Refuses `new` with a `conflict` when a subscription not removed already asks for the same
    /// (``SameSubscription``): one lookup by target (`subscription_by_target`), seeing the rows of
    /// the caller's transaction; the first made is named, as on SQLite.
    static func refuseSameSubscription(_ connection: PostgresConnection, as new: NewSubscription) throws {
        let candidates = try sameSubscriptionCandidates(connection, of: new)
        if let refusal = SameSubscription.refusal(of: new, among: candidates) { throw refusal }
    }

    static func sameSubscriptionCandidates(
        _ connection: PostgresConnection, of new: NewSubscription
    ) throws -> [SameSubscription.Candidate] {
        var format: String?
        if case .webhook(_, let f, _) = new.channel { format = f }
        let rows = try connection.query(
            """
            SELECT id, cities, offsets, state FROM subscription
            WHERE target = $1 AND channel = $2 AND format IS NOT DISTINCT FROM $3 AND lang = $4 AND state <> 'removed'
            ORDER BY position
            """,
            [.text(new.channel.target), .text(new.channel.channelKind), .text(format), .text(new.language.rawValue)])
        return rows.map {
            SameSubscription.Candidate(
                id: rows.text($0, 0), cities: rows.text($0, 1), offsets: rows.text($0, 2), state: rows.text($0, 3))
        }
    }

    /// Inserts one subscription, its cities and its counts (`subscription.STATE`,
    /// `subscription_source.SOURCE.STATE`), in one statement.
    static func insert(_ connection: PostgresConnection, _ subscription: Subscription, source: Subscription.Source)
        throws
    {
        var format: String?
        var secret: String?
        if case .webhook(_, let f, let s) = subscription.channel {
            format = f
            secret = s
        }
        var cities: [String] = []
        for city in subscription.cities where !cities.contains(city) { cities.append(city) }
        try connection.query(
            """
            WITH inserted AS (
                INSERT INTO subscription (id, channel, target, format, secret, destination, cities, offsets, lang,
                    label, state, state_reason, created_at, updated_at, source)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $14)
                RETURNING id
            ), cities AS (
                INSERT INTO subscription_city (city_id, subscription_id)
                SELECT city, inserted.id FROM inserted, unnest($15::text[]) AS city
            )
            SELECT concertd_count('subscription.' || $11, 1), concertd_count($16, 1)
            """,
            [
                .text(subscription.id), .text(subscription.channel.channelKind), .text(subscription.channel.target),
                .text(format), .text(secret), .text(subscription.channel.destination),
                .text(subscription.cities.joined(separator: ",")),
                .text(subscription.offsets.map { String($0.seconds) }.joined(separator: ",")),
                .text(subscription.language.rawValue), .text(subscription.label), .text(subscription.state.rawValue),
                .text(subscription.stateReason), .integer(subscription.createdAt.millis), .text(source.rawValue),
                .array(cities), .text(Subscription.Source.counterName(source, subscription.state)),
            ])
    }

    static func subscription(_ connection: PostgresConnection, id: String, locking: Bool = false) throws
        -> Subscription?
    {
        let rows = try connection.query(
            "SELECT \(Subscription.columns(of: "s")) FROM subscription s WHERE s.id = $1"
                + (locking ? " FOR UPDATE" : ""),
            [.text(id)])
        return rows.count == 0 ? nil : Subscription(columns: PostgresRow(rows: rows, index: 0), at: 0)
    }

    /// Pauses, resumes, disables or removes a subscription, in the caller's transaction (its row
    /// locked until then): the pending messages of one that stops are skipped with that reason;
    /// one that becomes active again is planned anew from `now`. No such subscription, or a
    /// removed one: `notFound`.
    static func setState(
        _ connection: PostgresConnection, id: String, to state: Subscription.State, reason: String?, now: Date
    ) throws -> Subscription {
        guard var subscription = try subscription(connection, id: id, locking: true), subscription.state != .removed
        else {
            throw StoreError(.notFound, "no subscription with id '\(id)'")
        }
        let previous = subscription.state
        subscription.state = state
        subscription.stateReason = reason
        try connection.query(
            "UPDATE subscription SET state = $1, state_reason = $2, updated_at = $3 WHERE id = $4",
            [.text(state.rawValue), .text(reason), .integer(now.millis), .text(id)])
        if let skipReason = state.skipReason {
            try connection.query(
                """
                UPDATE delivery SET state = 'skipped', reason = $1, next_attempt_at = NULL, finished_at = $2
                WHERE subscription_id = $3 AND state IN ('scheduled', 'retrying')
                """, [.text(skipReason.rawValue), .integer(now.millis), .text(id)])
        } else if previous != .active {
            _ = try plan(connection, subscription, after: now, now: now, confirm: false)
        }
        return subscription
    }

    /// Plans a subscription's reminders for every concert of its cities whose reminders fall
    /// after `after` (those of an offset already sent or being sent left out), and a confirmation
    /// naming the next concert when `confirm` is set: ``DeliveryPlanner``'s rows, written in one
    /// statement (``insertPlanned(_:_:now:)``). Returns that next concert.
    static func plan(
        _ connection: PostgresConnection, _ subscription: Subscription, after: Date, now: Date, confirm: Bool
    ) throws -> StoredConcert? {
        let concerts = try PostgresStore.storedConcerts(connection, inCities: subscription.cities)
        var sent: [String: Set<Int>]?
        var rows: [DeliveryPlanner.Row] = []
        for stored in concerts {
            rows += try DeliveryPlanner.reminders(for: subscription, concert: stored, after: after, now: now) {
                if sent == nil { sent = try sentReminderOffsets(connection, subscriptionID: subscription.id) }
                return sent?[stored.concert.id] ?? []
            }
        }
        let next = DeliveryPlanner.nextConcert(of: concerts, now: now)
        if confirm, let next {
            rows.append(DeliveryPlanner.confirmation(of: subscription, naming: next, among: concerts, now: now))
        }
        try insertPlanned(connection, rows, now: now)
        return next
    }

    /// The offsets of the reminders sent or being sent to a subscription, of any revision, by concert.
    static func sentReminderOffsets(_ connection: PostgresConnection, subscriptionID: String) throws
        -> [String: Set<Int>]
    {
        let rows = try connection.query(
            """
            SELECT concert_id, offset_seconds FROM delivery
            WHERE subscription_id = $1 AND kind = 'reminder' AND state IN ('sent', 'sending')
            """, [.text(subscriptionID)])
        var offsets: [String: Set<Int>] = [:]
        for row in 0..<rows.count { offsets[rows.text(row, 0), default: []].insert(rows.int(row, 1)) }
        return offsets
    }

    /// Writes planned rows in one statement, in their order (their ids ascending as on SQLite):
    /// a row whose identity is new is inserted, `scheduled`; an existing one skipped because its
    /// subscription was paused or disabled (or its concert changed) comes back, due at the row's
    /// moment; any other existing row is kept. Inserts are counted here (`delivery.scheduled`),
    /// revivals by the schema's trigger. Returns how many rows were inserted or brought back.
    @discardableResult
    static func insertPlanned(_ connection: PostgresConnection, _ rows: [DeliveryPlanner.Row], now: Date) throws
        -> Int
    {
        guard !rows.isEmpty else { return 0 }
        let result = try connection.query(
            """
            WITH planned AS (
                SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::bigint[], $6::bigint[],
                    $7::bigint[], $8::text[]) WITH ORDINALITY
                AS p(subscription_id, concert_id, concert_revision, kind, offset_seconds, due_at, deadline_at, detail, n)
            ), inserted AS (
                INSERT INTO delivery (subscription_id, concert_id, concert_revision, kind, offset_seconds, due_at,
                    deadline_at, state, next_attempt_at, detail, created_at)
                SELECT subscription_id, concert_id, concert_revision, kind, offset_seconds, due_at, deadline_at,
                    'scheduled', due_at, detail, $9
                FROM planned ORDER BY n
                ON CONFLICT (subscription_id, concert_id, concert_revision, kind, offset_seconds) WHERE kind <> 'test'
                DO NOTHING
                RETURNING 1
            ), revived AS (
                UPDATE delivery d SET state = 'scheduled', reason = NULL, due_at = p.due_at,
                    next_attempt_at = p.due_at, deadline_at = p.deadline_at, finished_at = NULL
                FROM planned p
                WHERE d.subscription_id = p.subscription_id AND d.concert_id = p.concert_id
                    AND d.concert_revision = p.concert_revision AND d.kind = p.kind
                    AND d.offset_seconds = p.offset_seconds AND d.kind <> 'test'
                    AND d.state = 'skipped' AND d.reason IN ('paused', 'disabled', 'changed')
                RETURNING 1
            )
            SELECT (SELECT COUNT(*) FROM inserted), (SELECT COUNT(*) FROM revived)
            """,
            [
                .array(rows.map(\.subscriptionID)), .array(rows.map(\.concertID)),
                .array(rows.map { Int64($0.concertRevision) }), .array(rows.map(\.kind.rawValue)),
                .array(rows.map { Int64($0.offset.seconds) }), .array(rows.map(\.due.millis)),
                .array(rows.map { $0.deadline?.millis }), .array(rows.map(\.detail)), .integer(now.millis),
            ])
        let inserted = result.int(0, 0)
        if inserted > 0 {
            try connection.query("SELECT concertd_count('delivery.scheduled', $1)", [.integer(Int64(inserted))])
        }
        return inserted + result.int(0, 1)
    }

    /// A prefix for ``SequentialIDs`` that no stored id starts with, and none of `avoiding`.
    static func freePrefix(_ connection: PostgresConnection, avoiding: Set<String>) throws -> String {
        var prefix: String
        repeat {
            prefix = "sub-" + RandomID.make(length: SequentialIDs.width)
        } while try avoiding.contains(prefix) || prefixIsTaken(connection, prefix)
        return prefix
    }

    /// Whether a stored id starts with `prefix`: `starts_with`, not a range of the id index,
    /// whose order is the database's collation (which may not sort `~` after every letter).
    static func prefixIsTaken(_ connection: PostgresConnection, _ prefix: String) throws -> Bool {
        try connection.query(
            "SELECT EXISTS (SELECT 1 FROM subscription WHERE starts_with(id, $1))", [.text(prefix)]
        ).bool(0, 0)
    }
}
