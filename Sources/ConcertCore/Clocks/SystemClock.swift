import Foundation

/// The system clock.
public struct SystemClock: WallClock {
    public init() {}
    public func now() -> Date { Date() }
    public func realDate(when date: Date) -> Date { date }
    public var isShifted: Bool { false }
}
