import Foundation

/// The reminders a bulk import plans for the subscriptions it adds: the same walk on every engine
/// (``SubscriptionImporting``), each writing the rows in its own SQL.
///
/// A subscription gets, for each scheduled concert of its cities (a concert of two of them once),
/// ``DeliveryPlanner``'s reminders for a new subscription (no reminder sent yet, no confirmation),
/// taken from ``ReminderDueTimes`` once per concert and set of offsets and shared by every
/// subscription with the same offsets.
package struct ImportedReminders {
    /// One reminder row: its concert and revision, offset, due moment (also its first attempt) and
    /// deadline, in the stored units (seconds, milliseconds).
    package struct Row {
        package var concertID: String
        package var concertRevision: Int64
        package var offsetSeconds: Int64
        package var dueMillis: Int64
        package var deadlineMillis: Int64
    }

    private let now: Date
    private let concertsByCity: [String: [StoredConcert]]
    /// The rows of each concert and set of offsets computed so far, by `concert id|offsets`.
    private var plans: [String: [Row]] = [:]

    /// The plan over the `concerts` stored when the import begins (those not scheduled plan
    /// nothing and are left out), for subscriptions made `now`.
    package init(concerts: [StoredConcert], now: Date) {
        self.now = now
        var concertsByCity: [String: [StoredConcert]] = [:]
        for stored in concerts where stored.concert.status == .scheduled {
            for city in stored.concert.cities { concertsByCity[city, default: []].append(stored) }
        }
        self.concertsByCity = concertsByCity
    }

    /// Hands `write` the reminder rows of the new subscription `new`, whose offsets are written
    /// `offsetsText` (the stored column), concert by concert in the order given at the start.
    package mutating func rows(
        of new: NewSubscription, offsetsText: String, _ write: (Row) throws -> Void
    ) rethrows {
        var seen: Set<String> = []
        for city in new.cities {
            for concert in concertsByCity[city] ?? [] where seen.insert(concert.concert.id).inserted {
                for row in plan(concert, offsets: new.offsets, offsetsText: offsetsText) { try write(row) }
            }
        }
    }

    private mutating func plan(_ concert: StoredConcert, offsets: [ReminderOffset], offsetsText: String) -> [Row] {
        let key = "\(concert.concert.id)|\(offsetsText)"
        if let plan = plans[key] { return plan }
        let deadline = concert.concert.schedule.reminderDeadline.millis
        let plan = ReminderDueTimes.reminders(for: concert.concert, offsets: offsets, after: now, now: now).map {
            Row(
                concertID: concert.concert.id, concertRevision: Int64(concert.revision),
                offsetSeconds: Int64($0.offset.seconds), dueMillis: $0.due.millis, deadlineMillis: deadline)
        }
        plans[key] = plan
        return plan
    }
}
