import Foundation
import Synchronization

/// A clock that moves only when told: for tests and for previews of what would be sent.
public final class ManualClock: WallClock {
    private let current: Mutex<Date>

    public init(_ start: Date) {
        current = Mutex(start)
    }

    public func now() -> Date { current.withLock { $0 } }

    public func set(_ date: Date) { current.withLock { $0 = date } }

    public func advance(by interval: TimeInterval) { current.withLock { $0 += interval } }

    /// The manual clock's time is also the "real" time its timer is armed for.
    public func realDate(when date: Date) -> Date { date }

    public var isShifted: Bool { true }
}
