import Foundation

/// How far the catch-up has run and what it says about the rows to come: the scheduler's bounds
/// that spare `sendDue` the catch-up and the read of due rows when nothing new can be due.
///
/// The catch-up (`SendingStore.supersedeStaleReminders`) runs over the reminders that fell due
/// since it last ran: after downtime or a clock jump only the latest missed reminder of a
/// subscription and concert is sent. Confined to the scheduler's queue.
struct CatchUp {
    /// Reminders that fell due up to this moment have been through the catch-up.
    private(set) var caughtUpTo = Date.distantPast
    /// No pending row falls due before this moment unless something changed: until then `sendDue`
    /// need not run the catch-up again.
    private(set) var nothingDueBefore = Date.distantPast
    /// Set when a read found no due row outside these destinations (each then at its limit or
    /// failing): reading again finds nothing new until one of them has room and no rows read
    /// ahead, or new rows fall due (the catch-up runs then, and clears it), so that a smarthost at
    /// its limit does not cost a walk over every due row for each verdict.
    var nothingDueOutside: Set<String>?

    /// Whether the catch-up runs at `now`. A clock stepped back first lowers the mark: rows may
    /// fall due again before the moment already caught up to.
    mutating func isDue(at now: Date) -> Bool {
        if now < caughtUpTo { caughtUpTo = now }
        return now > caughtUpTo && now >= nothingDueBefore
    }

    /// The catch-up ran up to `now`; `nextDue` is the store's next due time after it.
    mutating func ran(upTo now: Date, nextDue: Date?) {
        caughtUpTo = now
        nothingDueBefore = nextDue ?? .distantFuture
        nothingDueOutside = nil
    }

    /// A row may fall due at `date`, a moment computed here (a retry's next attempt): the bound
    /// takes it as the store keeps it (`storedNoLaterThan`).
    mutating func mayFallDue(at date: Date) {
        nothingDueBefore = min(nothingDueBefore, Self.storedNoLaterThan(date))
    }

    /// The store's own next due time: when it comes, the catch-up runs and rows are read again,
    /// whatever the moments computed here came to once stored.
    mutating func storeSaysDue(at date: Date) {
        nothingDueBefore = min(nothingDueBefore, date)
    }

    /// The next `sendDue` runs the catch-up whatever the bounds say (after a store fault: the
    /// catch-up is a write, it finds out whether the outbox can be written again).
    mutating func runNextTime() {
        nothingDueBefore = .distantPast
    }

    /// The outbox changed under the scheduler: both bounds are forgotten.
    mutating func forgetBounds() {
        nothingDueOutside = nil
        nothingDueBefore = .distantPast
    }

    /// The earliest moment `date` may read once stored: the store keeps times to the millisecond,
    /// rounded, so a retry computed for 22.5004 s is due at 22.500 s. The bounds on what falls due
    /// next are taken from this, or the timer fires for a row that nothing then reads.
    static func storedNoLaterThan(_ date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1000).rounded(.down) / 1000)
    }
}
