import ConcertCore
import Foundation

/// Planning on PostgreSQL: the facts ``DeliveryPlanner`` asks for, read, and the rows it returns,
/// written, in the caller's transaction, as the SQLite store does (`ConcertdStore`, "Planning").
///
/// Set-based: a change reads what its subscribers already got with one statement per concert (not
/// one per subscriber), and writes every row it plans with one statement (``insertDeliveries``).
///
/// Every transaction that plans rows or changes which subscriptions or concerts are planned for
/// takes the planning lock (``lockPlanning(_:)``) first, and one that makes a subscription its
/// target's lock (``lockTarget(_:of:)``) next: the lock order of ``PostgresStore``.
extension PostgresStore {
    /// The key of the transaction advisory lock every planning transaction holds.
    static let planningLockKey: Int64 = 0x636F_6E63_706C_616E  // "concplan"
    /// The class of the transaction advisory locks on a channel target
    /// (`pg_advisory_xact_lock(class, hashtext(target))`): "subs".
    static let targetLockClass: Int64 = 0x7375_6273

    /// Takes the planning lock until the transaction ends; waits while another transaction holds it.
    ///
    /// Whoever takes it changes planned rows or whom they are planned for: it also tells the other
    /// instances (``StoreChangeNotice``, kind `deliveries`) when the transaction commits, so that
    /// each re-plans and re-arms its timer; the same statement, no round trip more.
    static func lockPlanning(_ connection: PostgresConnection) throws {
        try connection.query(
            "SELECT pg_advisory_xact_lock($1), \(StoreChangeNotice.sql(.deliveries))", [.integer(planningLockKey)])
    }

    /// Takes the lock of `channel`'s target until the transaction ends, after the planning lock:
    /// whatever makes a subscription holds it while it looks for the same one and inserts itself.
    static func lockTarget(_ connection: PostgresConnection, of channel: ChannelAddress) throws {
        try connection.query(
            "SELECT pg_advisory_xact_lock($1::int, hashtext($2))",
            [.integer(targetLockClass), .text(channel.target)])
    }

    /// Runs `body` in a transaction that holds the planning lock.
    func planning<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        try pool.withConnection { connection in
            try connection.transaction {
                try Self.lockPlanning(connection)
                return try body(connection)
            }
        }
    }

    /// Inserts the planned rows in one statement, in their order. A row whose identity exists is
    /// kept, unless it was skipped because its subscription was paused, disabled or changed: then
    /// it comes back, due at the planned moment. Returns the indexes (in `rows`) of the rows
    /// inserted or brought back, so callers can count what they queued; counts the inserts
    /// (`delivery.scheduled`; a revival is counted by the update trigger).
    @discardableResult
    static func insertDeliveries(_ connection: PostgresConnection, _ rows: [DeliveryPlanner.Row], now: Date) throws
        -> Set<Int>
    {
        guard !rows.isEmpty else { return [] }
        let result = try connection.query(
            """
            WITH planned AS (
                SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::bigint[], $6::bigint[],
                    $7::bigint[], $8::text[])
                WITH ORDINALITY AS p(subscription_id, concert_id, concert_revision, kind, offset_seconds, due_at,
                    deadline_at, detail, n)
            ), inserted AS (
                INSERT INTO delivery (subscription_id, concert_id, concert_revision, kind, offset_seconds, due_at,
                    deadline_at, state, next_attempt_at, detail, created_at)
                SELECT subscription_id, concert_id, concert_revision, kind, offset_seconds, due_at, deadline_at,
                    'scheduled', due_at, detail, $9
                FROM planned ORDER BY n
                ON CONFLICT (subscription_id, concert_id, concert_revision, kind, offset_seconds) WHERE kind <> 'test'
                DO NOTHING
                RETURNING subscription_id, concert_id, concert_revision, kind, offset_seconds
            ), revived AS (
                UPDATE delivery d SET state = 'scheduled', reason = NULL, due_at = p.due_at,
                    next_attempt_at = p.due_at, deadline_at = p.deadline_at, finished_at = NULL
                FROM planned p
                WHERE d.subscription_id = p.subscription_id AND d.concert_id = p.concert_id
                    AND d.concert_revision = p.concert_revision AND d.kind = p.kind
                    AND d.offset_seconds = p.offset_seconds AND d.kind <> 'test'
                    AND d.state = 'skipped' AND d.reason IN ('paused', 'disabled', 'changed')
                RETURNING p.n
            )
            SELECT p.n, true FROM planned p JOIN inserted i
                ON i.subscription_id = p.subscription_id AND i.concert_id = p.concert_id
                    AND i.concert_revision = p.concert_revision AND i.kind = p.kind
                    AND i.offset_seconds = p.offset_seconds
            UNION ALL SELECT n, false FROM revived
            """,
            [
                .array(rows.map { $0.subscriptionID }), .array(rows.map { $0.concertID }),
                .array(rows.map { Int64($0.concertRevision) }), .array(rows.map { $0.kind.rawValue }),
                .array(rows.map { Int64($0.offset.seconds) }), .array(rows.map { $0.due.millis }),
                .array(rows.map { $0.deadline?.millis }), .array(rows.map { $0.detail }), .integer(now.millis),
            ])
        var queued = Set<Int>()
        var inserted: Int64 = 0
        for row in 0..<result.count {
            queued.insert(result.int(row, 0) - 1)
            if result.bool(row, 1) { inserted += 1 }
        }
        if inserted > 0 {
            try connection.query("SELECT concertd_count('delivery.scheduled', $1)", [.integer(inserted)])
        }
        return queued
    }

    /// Plans a subscription's reminders for every concert of its cities whose reminders fall after
    /// `after`, and queues a confirmation naming the next concert when `confirm` is set. Returns
    /// that next concert.
    @discardableResult
    static func planSubscription(
        _ connection: PostgresConnection, _ subscription: Subscription, after: Date, now: Date, confirm: Bool
    ) throws -> StoredConcert? {
        let concerts = try storedConcerts(connection, inCities: subscription.cities)
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
        try insertDeliveries(connection, rows, now: now)
        return next
    }

    /// The offsets of the reminders sent or being sent to a subscription, by concert (any revision).
    private static func sentReminderOffsets(_ connection: PostgresConnection, subscriptionID: String) throws
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

    /// What the subscribers of one concert already got: the reminder offsets sent or being sent to
    /// each (any revision), and who has heard of it at all (any message but a test).
    private static func concertHistory(_ connection: PostgresConnection, concertID: String) throws
        -> (sentOffsets: [String: Set<Int>], heard: Set<String>)
    {
        let rows = try connection.query(
            """
            SELECT subscription_id, kind, offset_seconds FROM delivery
            WHERE concert_id = $1 AND state IN ('sent', 'sending') AND kind <> 'test'
            """, [.text(concertID)])
        var sentOffsets: [String: Set<Int>] = [:]
        var heard = Set<String>()
        for row in 0..<rows.count {
            let subscription = rows.text(row, 0)
            heard.insert(subscription)
            if rows.text(row, 1) == Delivery.Kind.reminder.rawValue {
                sentOffsets[subscription, default: []].insert(rows.int(row, 2))
            }
        }
        return (sentOffsets, heard)
    }

    /// Active subscriptions of any of `cities`, oldest first.
    static func activeSubscriptions(_ connection: PostgresConnection, inCities cities: [String]) throws
        -> [Subscription]
    {
        guard !cities.isEmpty else { return [] }
        let rows = try connection.query(
            """
            SELECT \(Subscription.columns(of: "s")) FROM subscription s WHERE s.state = 'active' AND s.id IN (
                SELECT subscription_id FROM subscription_city WHERE city_id = ANY($1::text[]))
            ORDER BY s.created_at, s.id
            """, [.array(cities.map { Optional($0) })])
        return rows.map { Subscription(columns: PostgresRow(rows: rows, index: $0), at: 0) }
    }

    /// A concert new to the store: its subscribers are told once and their reminders planned.
    static func concertAdded(_ connection: PostgresConnection, concert: StoredConcert, now: Date) throws
        -> NoticeTally
    {
        var tally = NoticeTally()
        guard DeliveryPlanner.isAnnounced(concert, now: now) else { return tally }
        var rows: [DeliveryPlanner.Row] = []
        var notices: [Int] = []
        for subscription in try activeSubscriptions(connection, inCities: concert.concert.cities) {
            // A concert new to the store has no rows yet: nothing was sent about it.
            rows += DeliveryPlanner.reminders(for: subscription, concert: concert, after: now, now: now) { [] }
            notices.append(rows.count)
            rows.append(DeliveryPlanner.newConcertNotice(to: subscription, of: concert, now: now))
        }
        let queued = try insertDeliveries(connection, rows, now: now)
        tally.queued = notices.filter(queued.contains).count
        return tally
    }

    /// A concert whose time or venue changed (``DeliveryPlanner/Change``): pending reminders of
    /// the old revision are skipped, reminders are planned for the new one, and subscribers who
    /// already heard of the concert get one change notice.
    static func concertRevised(
        _ connection: PostgresConnection, from old: StoredConcert, to new: StoredConcert, now: Date
    ) throws -> NoticeTally {
        let change = DeliveryPlanner.Change(from: old, to: new)
        try skipPending(connection, change.skip, now: now)
        let history = try concertHistory(connection, concertID: new.concert.id)
        var tally = NoticeTally()
        var rows: [DeliveryPlanner.Row] = []
        var notices: [Int] = []
        for subscription in try activeSubscriptions(connection, inCities: new.concert.cities) {
            rows += DeliveryPlanner.reminders(for: subscription, concert: new, after: now, now: now) {
                history.sentOffsets[subscription.id] ?? []
            }
            let notice = change.notice(to: subscription, now: now) { history.heard.contains(subscription.id) }
            tell(notice, rows: &rows, notices: &notices, tally: &tally)
        }
        let queued = try insertDeliveries(connection, rows, now: now)
        tally.queued = notices.filter(queued.contains).count
        return tally
    }

    /// A cancelled concert: pending messages are skipped and subscribers who already heard of it are told.
    static func concertCancelled(_ connection: PostgresConnection, concert: StoredConcert, now: Date) throws
        -> NoticeTally
    {
        try skipPending(connection, DeliveryPlanner.cancellationSkip(of: concert), now: now)
        let history = try concertHistory(connection, concertID: concert.concert.id)
        var tally = NoticeTally()
        var rows: [DeliveryPlanner.Row] = []
        var notices: [Int] = []
        for subscription in try activeSubscriptions(connection, inCities: concert.concert.cities) {
            let notice = DeliveryPlanner.cancellationNotice(to: subscription, of: concert, now: now) {
                history.heard.contains(subscription.id)
            }
            tell(notice, rows: &rows, notices: &notices, tally: &tally)
        }
        let queued = try insertDeliveries(connection, rows, now: now)
        tally.queued = notices.filter(queued.contains).count
        return tally
    }

    /// Adds a notice to the rows to queue (remembering its index, to count it once queued), or
    /// counts why the subscriber is not told.
    private static func tell(
        _ notice: DeliveryPlanner.Notice, rows: inout [DeliveryPlanner.Row], notices: inout [Int],
        tally: inout NoticeTally
    ) {
        switch notice {
        case .queue(let row):
            notices.append(rows.count)
            rows.append(row)
        case .sameInLanguage: tally.sameInLanguage += 1
        case .notTold: tally.notTold += 1
        }
    }

    /// Skips the pending messages of a subscription that stops, with `reason`.
    static func skipPending(
        _ connection: PostgresConnection, subscriptionID: String, reason: Delivery.SkipReason, now: Date
    ) throws {
        try connection.query(
            """
            UPDATE delivery SET state = 'skipped', reason = $1, next_attempt_at = NULL, finished_at = $2
            WHERE subscription_id = $3 AND state IN ('scheduled', 'retrying')
            """, [.text(reason.rawValue), .integer(now.millis), .text(subscriptionID)])
    }

    /// Skips the pending messages of one concert that `skip` names.
    static func skipPending(_ connection: PostgresConnection, _ skip: DeliveryPlanner.PendingSkip, now: Date) throws {
        try connection.query(
            """
            UPDATE delivery SET state = 'skipped', reason = $1, next_attempt_at = NULL, finished_at = $2
            WHERE concert_id = $3 AND concert_revision < $4 AND state IN ('scheduled', 'retrying')
            """,
            [
                .text(skip.reason.rawValue), .integer(now.millis), .text(skip.concertID),
                .integer(Int64(skip.belowRevision)),
            ])
    }
}
