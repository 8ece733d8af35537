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
