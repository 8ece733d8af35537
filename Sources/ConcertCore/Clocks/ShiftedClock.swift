import Foundation

/// A clock that started at a chosen moment and optionally runs `rate` times faster than real time.
///
/// `concertd --clock-start 2019-10-21T00:00+09:00 --clock-rate 3600` replays the 2019 season
/// with an hour passing each real second. Where it starts is its ``ClockAnchor``: a SQLite daemon's
/// own at every start, or on a shared store the one the first instance stored.
public struct ShiftedClock: WallClock {
    public let start: Date
    public let rate: Double
    let realStart: Date

    public init(start: Date, rate: Double = 1, realStart: Date = Date()) {
        precondition(rate > 0, "clock rate must be positive")
        self.start = start
        self.rate = rate
        self.realStart = realStart
    }

    public func now() -> Date {
        start.addingTimeInterval(Date().timeIntervalSince(realStart) * rate)
    }

    public func realDate(when date: Date) -> Date {
        realStart.addingTimeInterval(date.timeIntervalSince(start) / rate)
    }

    public var isShifted: Bool { true }
}
