import Foundation
import GRDB

/// Planning: which delivery rows exist for which subscription and concert.
///
/// Each function runs inside the caller's transaction, so a subscription, a concert change and
/// the rows they imply are committed together or not at all.
extension AppDatabase {
    /// Inserts one delivery row, due at `due`. A row of the same identity that was skipped because
    /// its subscription was paused or disabled comes back to life; any other existing row is kept.
    /// Returns whether a row was inserted or brought back, so callers can count what they queued.
    ///
    /// Two statements rather than one upsert: the insert must be counted (`Counters`) and an
    /// upsert does not tell whether it inserted or updated; a revival is counted by the update trigger.
    @discardableResult
    static func insertDelivery(
        _ db: Database, subscriptionID: String, concert: StoredConcert, kind: Delivery.Kind,
        offset: ReminderOffset = ReminderOffset(seconds: 0), due: Date, deadline: Date?, detail: String? = nil,
        now: Date
    ) throws -> Bool {
        let insert = try db.cachedStatement(
            sql: """
                INSERT INTO delivery (subscription_id, concert_id, concert_revision, kind, offset_seconds, due_at,
                    deadline_at, state, next_attempt_at, detail, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, 'scheduled', ?, ?, ?)
                ON CONFLICT (subscription_id, concert_id, concert_revision, kind, offset_seconds) WHERE kind <> 'test'
                DO NOTHING
                """)
        try insert.execute(arguments: [
            subscriptionID, concert.concert.id, concert.revision, kind.rawValue, offset.seconds, due.millis,
            deadline?.millis, due.millis, detail, now.millis,
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
                    AND state = 'skipped' AND reason IN ('paused', 'disabled')
                """)
        try revive.execute(arguments: [
            due.millis, due.millis, deadline?.millis, subscriptionID, concert.concert.id, concert.revision,
            kind.rawValue, offset.seconds,
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
        let next = concerts.first {
            $0.concert.status == .scheduled && $0.concert.schedule.reminderDeadline > now
        }
        if confirm, let next {
            try insertDelivery(
                db, subscriptionID: subscription.id, concert: next, kind: .confirmation, due: now,
                deadline: next.concert.schedule.reminderDeadline, now: now)
        }
        return next
    }

    /// Plans the reminders of one subscription for one concert, leaving out offsets already sent
    /// for an earlier revision of the concert.
    static func planReminders(
        _ db: Database, subscription: Subscription, concert: StoredConcert, after: Date, now: Date
    ) throws {
        let planned = ReminderPlanner.reminders(
            for: concert.concert, offsets: subscription.offsets, after: after, now: now)
        guard !planned.isEmpty else { return }
        let alreadySent = Set(
            try Int.fetchAll(
                db,
                sql: """
                    SELECT offset_seconds FROM delivery
                    WHERE subscription_id = ? AND concert_id = ? AND kind = 'reminder' AND kind <> 'test'
                        AND state IN ('sent', 'sending')
                    """,
                arguments: [subscription.id, concert.concert.id]))
        for reminder in planned where !alreadySent.contains(reminder.offset.seconds) {
            try insertDelivery(
                db, subscriptionID: subscription.id, concert: concert, kind: .reminder, offset: reminder.offset,
                due: reminder.due, deadline: concert.concert.schedule.reminderDeadline, now: now)
        }
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
        guard concert.concert.status == .scheduled, concert.concert.schedule.reminderDeadline > now else {
            return tally
        }
        for subscription in try activeSubscriptions(db, inCities: concert.concert.cities) {
            try planReminders(db, subscription: subscription, concert: concert, after: now, now: now)
            if try insertDelivery(
                db, subscriptionID: subscription.id, concert: concert, kind: .newConcert, due: now,
                deadline: concert.concert.schedule.reminderDeadline, now: now)
            {
                tally.queued += 1
            }
        }
        return tally
    }

    /// A concert whose time or venue changed: pending reminders of the old revision are skipped,
    /// reminders are planned for the new one (offsets already sent are not sent again), and
    /// subscribers who already heard of the concert (``hasHeard(_:subscriptionID:concertID:)``)
    /// get one change notice. The others learn the new facts from their next reminder.
    @discardableResult
    static func concertRevised(_ db: Database, from old: StoredConcert, to new: StoredConcert, now: Date) throws
        -> NoticeTally
    {
        try skipPending(db, concertID: new.concert.id, belowRevision: new.revision, reason: .revised, now: now)
        let detail = changeDetail(old.concert)
        let toldIn = Set(
            Language.allCases.filter { old.concert.announcedFacts(in: $0) != new.concert.announcedFacts(in: $0) })
        var tally = NoticeTally()
        for subscription in try activeSubscriptions(db, inCities: new.concert.cities) {
            try planReminders(db, subscription: subscription, concert: new, after: now, now: now)
            guard toldIn.contains(subscription.language) else {
                tally.sameInLanguage += 1
                continue
            }
            guard try hasHeard(db, subscriptionID: subscription.id, concertID: new.concert.id) else {
                tally.notTold += 1
                continue
            }
            if try insertDelivery(
                db, subscriptionID: subscription.id, concert: new, kind: .change, due: now,
                deadline: new.concert.schedule.reminderDeadline, detail: detail, now: now)
            {
                tally.queued += 1
            }
        }
        return tally
    }

    /// A cancelled concert: pending messages are skipped and subscribers who already heard of it are told.
    @discardableResult
    static func concertCancelled(_ db: Database, concert: StoredConcert, now: Date) throws -> NoticeTally {
        try skipPending(db, concertID: concert.concert.id, belowRevision: Int.max, reason: .cancelled, now: now)
        var tally = NoticeTally()
        for subscription in try activeSubscriptions(db, inCities: concert.concert.cities) {
            guard try hasHeard(db, subscriptionID: subscription.id, concertID: concert.concert.id) else {
                tally.notTold += 1
                continue
            }
            if try insertDelivery(
                db, subscriptionID: subscription.id, concert: concert, kind: .cancellation, due: now,
                deadline: concert.concert.schedule.reminderDeadline, now: now)
            {
                tally.queued += 1
            }
        }
        return tally
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

    static func skipPending(_ db: Database, subscriptionID: String, reason: Delivery.SkipReason, now: Date) throws {
        try db.execute(
            sql: """
                UPDATE delivery SET state = 'skipped', reason = ?, next_attempt_at = NULL, finished_at = ?
                WHERE subscription_id = ? AND state IN ('scheduled', 'retrying')
                """,
            arguments: [reason.rawValue, now.millis, subscriptionID])
    }

    static func skipPending(
        _ db: Database, concertID: String, belowRevision: Int, reason: Delivery.SkipReason, now: Date
    ) throws {
        try db.execute(
            sql: """
                UPDATE delivery SET state = 'skipped', reason = ?, next_attempt_at = NULL, finished_at = ?
                WHERE concert_id = ? AND concert_revision < ? AND state IN ('scheduled', 'retrying')
                """,
            arguments: [reason.rawValue, now.millis, concertID, belowRevision])
    }

    /// The facts of a concert before a change, for the change notice.
    static func changeDetail(_ concert: Concert) -> String {
        struct Before: Encodable {
            var start: String
            var end: String
            var timeAnnounced: Bool
            var venue: LocalizedText?
            enum CodingKeys: String, CodingKey {
                case start, end, venue
                case timeAnnounced = "time_announced"
            }
        }
        let before = Before(
            start: concert.schedule.startString, end: concert.schedule.endString,
            timeAnnounced: concert.schedule.isTimeAnnounced, venue: concert.venue)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(before)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
