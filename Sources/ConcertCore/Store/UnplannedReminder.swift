import Foundation

/// A reminder a subscription's offsets ask for that has no row in the outbox: its moment had
/// passed when it would have been planned.
public struct UnplannedReminder: Sendable, Hashable {
    public var concertID: String
    public var offset: ReminderOffset
    /// When it would have been due.
    public var due: Date
    /// Why it was not planned, one clause: `its moment had passed when the subscription was made`.
    public var reason: String

    public init(concertID: String, offset: ReminderOffset, due: Date, reason: String) {
        self.concertID = concertID
        self.offset = offset
        self.due = due
        self.reason = reason
    }
}

extension UnplannedReminder {
    /// The reminders of `subscription`'s offsets, for those of `concerts` (its cities') that had not
    /// started when it was made, that were never planned: their moment had passed when the
    /// subscription was made, or when the concert was added or changed. Reminders merged into
    /// another falling on the same moment (a date-only concert) do not count. `planned` reads the
    /// offsets, in seconds, of the reminders planned for a concert: the same rule on every engine,
    /// only that read differs.
    package static func missing(
        for subscription: Subscription, concerts: [StoredConcert], planned: (String) throws -> Set<Int>
    ) rethrows -> [UnplannedReminder] {
        var unplanned: [UnplannedReminder] = []
        for stored in concerts
        where stored.concert.status == .scheduled && stored.concert.schedule.reminderDeadline > subscription.createdAt {
            let plannedOffsets = try planned(stored.concert.id)
            let wanted = ReminderDueTimes.reminders(
                for: stored.concert, offsets: subscription.offsets, after: .distantPast, now: .distantPast)
            for reminder in wanted where !plannedOffsets.contains(reminder.offset.seconds) {
                let reason =
                    reminder.due <= subscription.createdAt
                    ? "its moment had passed when the subscription was made"
                    : "its moment had passed when the concert was added or changed"
                unplanned.append(
                    UnplannedReminder(
                        concertID: stored.concert.id, offset: reminder.offset, due: reminder.due, reason: reason))
            }
        }
        return unplanned
    }
}
