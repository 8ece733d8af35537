import Foundation

/// Computes when each reminder of a concert is due. Pure: the caller passes the moments it needs.
public enum ReminderDueTimes {
    /// Hour (Korea time) at which reminders of a date-only concert are due.
    public static let dateOnlyReminderHour = 9

    /// The moment a reminder `offset` before `schedule` is due.
    ///
    /// Counted back from the start in Korea time. For a date-only concert the reminder is due at
    /// 09:00 on the day the offset lands on, counting whole days back from the first day; an
    /// offset under a day is due at 09:00 on the first day itself.
    public static func dueTime(for schedule: ConcertSchedule, offset: ReminderOffset) -> Date {
        switch schedule {
        case .timed(let start, _):
            return start.addingTimeInterval(-TimeInterval(offset.seconds))
        case .dateOnly(let first, _):
            return first.adding(days: -(offset.seconds / 86_400)).inKorea(hour: dateOnlyReminderHour)
        }
    }

    /// A reminder a subscription will receive: its offset and due moment.
    public struct PlannedReminder: Hashable, Sendable {
        public var offset: ReminderOffset
        public var due: Date
    }

    /// The reminders a subscription made at `subscribedAt` gets for a concert, earliest first.
    ///
    /// A reminder due at or before `after` (the subscription's creation, or the moment the concert
    /// became known) is not planned (someone who
    /// subscribes two hours before a concert gets its 1h reminder, not the 7d and 1d ones), and
    /// neither is any reminder of a concert that is cancelled or already over at `now`. Two
    /// offsets that fall on the same moment (possible for date-only concerts) give one reminder,
    /// the one with the larger offset.
    public static func reminders(
        for concert: Concert,
        offsets: [ReminderOffset],
        after: Date,
        now: Date
    ) -> [PlannedReminder] {
        guard concert.status == .scheduled, concert.schedule.end > now else { return [] }
        var byDue: [Date: ReminderOffset] = [:]
        for offset in offsets {
            let due = dueTime(for: concert.schedule, offset: offset)
            guard due > after, due < concert.schedule.reminderDeadline else { continue }
            byDue[due] = max(byDue[due] ?? offset, offset)
        }
        return byDue.map { PlannedReminder(offset: $0.value, due: $0.key) }.sorted { $0.due < $1.due }
    }
}
