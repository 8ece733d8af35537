import Foundation
import Synchronization

/// A clock that moves only when told: for tests and for previews of what would be sent.
package final class ManualClock: WallClock {
    private let current: Mutex<Date>

    package init(_ start: Date) {
        current = Mutex(start)
    }

    package func now() -> Date { current.withLock { $0 } }

    package func set(_ date: Date) { current.withLock { $0 = date } }

    package func advance(by interval: TimeInterval) { current.withLock { $0 += interval } }

    /// The manual clock's time is also the "real" time its timer is armed for.
    package func realDate(when date: Date) -> Date { date }

    package var isShifted: Bool { true }
}
