import Foundation

/// The same message to the same channel through another subscription (`ConcertdStore`, "the same
/// message"), as a store finds it for a due row: what became of it. The rule is the same on every
/// engine; only the query that finds the twin differs.
package enum DeliveryTwin {
    /// None, or none that was sent or may still be: this row is sent.
    case none
    /// Sent: this row is a duplicate.
    case sent
    /// Being sent or to be retried: this row waits for its verdict.
    case pending

    /// How long a row waits at most for its twin's verdict before it looks again (the verdict
    /// itself wakes it sooner, when it is recorded).
    package static let wait: TimeInterval = 900

    /// Whether `due` can have a twin at all: another subscription has its target, and it is
    /// neither a confirmation (each confirms its own subscription) nor a test message.
    package static func mayExist(for due: PendingDelivery) -> Bool {
        due.targetSubscribedTwice && due.delivery.kind != .confirmation && due.delivery.kind != .test
    }

    /// Whether `record`'s verdict wakes the rows waiting for it: a final one (a retry leaves them
    /// waiting) of a target another subscription has.
    package static func verdictWakes(_ record: DeliveryRecord) -> Bool {
        record.targetSubscribedTwice && record.newState != .retrying
    }

    /// The twin of a row whose possible twins number `count`, `anySent` when one of them was sent.
    package init(anySent: Bool, count: Int) {
        self = anySent ? .sent : count > 0 ? .pending : .none
    }
}
