import Foundation
import GRDB

/// Planning in SQLite: the facts ``DeliveryPlanner`` asks for, read, and the rows it returns,
/// written.
///
/// Each function runs inside the caller's transaction, so a subscription, a concert change and
/// the rows they imply are committed together or not at all.
extension AppDatabase {
    /// Inserts one planned row. A row of the same identity that was skipped because its
    /// subscription was paused or disabled comes back to life, due at `row.due`; any other existing
    /// row is kept. Returns whether a row was inserted or brought back, so callers can count what
    /// they queued.
    ///
    /// Two statements rather than one upsert: the insert must be counted (`Counters`) and an
    /// upsert does not tell whether it inserted or updated; a revival is counted by the update trigger.
    @discardableResult
    static func insertDelivery(_ db: Database, _ row: DeliveryPlanner.Row, now: Date) throws -> Bool {
        let insert = try db.cachedStatement(
            sql: """
                INSERT INTO delivery (subscription_id, concert_id, concert_revision, kind, offset_seconds, due_at,
                    deadline_at, state, next_attempt_at, detail, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, 'scheduled', ?, ?, ?)
                ON CONFLICT (subscription_id, concert_id, concert_revision, kind, offset_seconds) WHERE kind <> 'test'
                DO NOTHING
                """)
        try insert.execute(arguments: [
            row.subscriptionID, row.concertID, row.concertRevision, row.kind.rawValue, row.offset.seconds,
            row.due.millis, row.deadline?.millis, row.due.millis, row.detail, now.millis,
        ])
        if db.changesCount == 1 {
            try Counters.add(db, "delivery.scheduled")
            return true
        }
        let revive = try db.cachedStatement(
            sql: """
                UPDATE delivery SET state = 'scheduled', reason = NULL, due_at = ?, next_attempt_at = ?,
                    deadline_at = ?, finished_at = NULL
                WHERE subscription_id = ? AND concert_id = ? AND concert_revision = ? AND kind = ?
                    AND offset_seconds = ? AND kind <> 'test'
                    AND state = 'skipped' AND reason IN ('paused', 'disabled', 'changed')
                """)
        try revive.execute(arguments: [
            row.due.millis, row.due.millis, row.deadline?.millis, row.subscriptionID, row.concertID,
            row.concertRevision, row.kind.rawValue, row.offset.seconds,
        ])
        return db.changesCount == 1
    }

    /// Plans a subscription's reminders for every concert of its cities whose reminders fall after
    /// `after`, and queues a confirmation naming the next concert when `confirm` is set.
    /// Returns that next concert.
    @discardableResult
    static func planSubscription(
        _ db: Database, _ subscription: Subscription, after: Date, now: Date, confirm: Bool
    ) throws -> StoredConcert? {
        let concerts = try storedConcerts(db, inCities: subscription.cities)
        for stored in concerts {
            try planReminders(db, subscription: subscription, concert: stored, after: after, now: now)
        }
        let next = DeliveryPlanner.nextConcert(of: concerts, now: now)
        if confirm, let next {
            try insertDelivery(
                db, DeliveryPlanner.confirmation(of: subscription, naming: next, among: concerts, now: now), now: now)
        }
        return next
    }

    /// Plans the reminders of one subscription for one concert.
    static func planReminders(
        _ db: Database, subscription: Subscription, concert: StoredConcert, after: Date, now: Date
    ) throws {
        let rows = try DeliveryPlanner.reminders(for: subscription, concert: concert, after: after, now: now) {
            try sentReminderOffsets(db, subscriptionID: subscription.id, concertID: concert.concert.id)
        }
        for row in rows { try insertDelivery(db, row, now: now) }
    }

    /// The offsets of the reminders of a concert, of any revision, sent or being sent to a subscription.
    static func sentReminderOffsets(_ db: Database, subscriptionID: String, concertID: String) throws -> Set<Int> {
        Set(
            try Int.fetchAll(
                db,
                sql: """
                    SELECT offset_seconds FROM delivery
                    WHERE subscription_id = ? AND concert_id = ? AND kind = 'reminder' AND kind <> 'test'
                        AND state IN ('sent', 'sending')
                    """,
                arguments: [subscriptionID, concertID]))
    }

    /// Active subscriptions of any of `cities`.
    static func activeSubscriptions(_ db: Database, inCities cities: [String]) throws -> [Subscription] {
        guard !cities.isEmpty else { return [] }
        let statement = try BoundStatement(
            db,
            cached: """
                SELECT \(Subscription.columns(of: "subscription")) FROM subscription WHERE state = 'active' AND id IN (
                    SELECT subscription_id FROM subscription_city WHERE city_id IN (\(databaseQuestionMarks(count: cities.count))))
                ORDER BY created_at, id
                """)
        statement.bind(cities, from: 1)
        return try statement.rows(db) { Subscription(columns: $0, at: 0) }
    }

    /// A concert new to the store: its subscribers are told once and their reminders planned.
    @discardableResult
    static func concertAdded(_ db: Database, concert: StoredConcert, now: Date) throws -> NoticeTally {
        var tally = NoticeTally()
        guard DeliveryPlanner.isAnnounced(concert, now: now) else { return tally }
        for subscription in try activeSubscriptions(db, inCities: concert.concert.cities) {
            try planReminders(db, subscription: subscription, concert: concert, after: now, now: now)
            let notice = DeliveryPlanner.newConcertNotice(to: subscription, of: concert, now: now)
            if try insertDelivery(db, notice, now: now) { tally.queued += 1 }
        }
        return tally
    }

    /// A concert whose time or venue changed (``DeliveryPlanner/Change``): pending reminders of
    /// the old revision are skipped, reminders are planned for the new one, and subscribers who
    /// already heard of the concert get one change notice.
    @discardableResult
    static func concertRevised(_ db: Database, from old: StoredConcert, to new: StoredConcert, now: Date) throws
        -> NoticeTally
    {
        let change = DeliveryPlanner.Change(from: old, to: new)
        try skipPending(db, change.skip, now: now)
        var tally = NoticeTally()
        for subscription in try activeSubscriptions(db, inCities: new.concert.cities) {
            try planReminders(db, subscription: subscription, concert: new, after: now, now: now)
            let notice = try change.notice(to: subscription, now: now) {
                try hasHeard(db, subscriptionID: subscription.id, concertID: new.concert.id)
            }
            try tell(db, notice, tally: &tally, now: now)
        }
        return tally
    }

    /// A cancelled concert: pending messages are skipped and subscribers who already heard of it are told.
    @discardableResult
    static func concertCancelled(_ db: Database, concert: StoredConcert, now: Date) throws -> NoticeTally {
        try skipPending(db, DeliveryPlanner.cancellationSkip(of: concert), now: now)
        var tally = NoticeTally()
        for subscription in try activeSubscriptions(db, inCities: concert.concert.cities) {
            let notice = try DeliveryPlanner.cancellationNotice(to: subscription, of: concert, now: now) {
                try hasHeard(db, subscriptionID: subscription.id, concertID: concert.concert.id)
            }
            try tell(db, notice, tally: &tally, now: now)
        }
        return tally
    }

    /// Queues a notice and counts it, or counts why the subscriber is not told.
    private static func tell(_ db: Database, _ notice: DeliveryPlanner.Notice, tally: inout NoticeTally, now: Date)
        throws
    {
        switch notice {
        case .queue(let row): if try insertDelivery(db, row, now: now) { tally.queued += 1 }
        case .sameInLanguage: tally.sameInLanguage += 1
        case .notTold: tally.notTold += 1
        }
    }

    /// Whether a message about the concert already reached (or is reaching) the subscription.
    static func hasHeard(_ db: Database, subscriptionID: String, concertID: String) throws -> Bool {
        try Bool.fetchOne(
            db,
            sql: """
                SELECT EXISTS (SELECT 1 FROM delivery WHERE subscription_id = ? AND concert_id = ?
                    AND state IN ('sent', 'sending') AND kind <> 'test')
                """,
            arguments: [subscriptionID, concertID]) ?? false
    }

    /// Skips the pending messages of a subscription that stops, with `reason`.
    static func skipPending(_ db: Database, subscriptionID: String, reason: Delivery.SkipReason, now: Date) throws {
        let skip = try BoundStatement(db, cached: skipPendingOfSubscription)
        skip.bind(1, reason.rawValue)
        skip.bind(2, now.millis)
        skip.bind(3, subscriptionID)
        try skip.run(db)
    }

    /// Found through `delivery_by_subscription` (all of the subscription's rows, a few per concert):
    /// without it each removal, pause or change read every pending message of every subscription.
    static let skipPendingOfSubscription = """
        UPDATE delivery SET state = 'skipped', reason = ?, next_attempt_at = NULL, finished_at = ?
        WHERE subscription_id = ? AND state IN ('scheduled', 'retrying')
        """

    /// Skips the pending messages of one concert that `skip` names.
    static func skipPending(_ db: Database, _ skip: DeliveryPlanner.PendingSkip, now: Date) throws {
        try db.execute(
            sql: """
                UPDATE delivery SET state = 'skipped', reason = ?, next_attempt_at = NULL, finished_at = ?
                WHERE concert_id = ? AND concert_revision < ? AND state IN ('scheduled', 'retrying')
                """,
            arguments: [skip.reason.rawValue, now.millis, skip.concertID, skip.belowRevision])
    }
}
