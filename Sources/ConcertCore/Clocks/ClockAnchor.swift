import Foundation

/// Where a daemon's clock starts: the flags it was given (`--clock-start`, `--clock-rate`; nil
/// for none) and the real instant its clock reads `clockStart`. A store gives it
/// (``StoreMaintenance/anchorClock(_:)``): a start of its own, or, on a store instances share,
/// the anchor of the instances already running with the same flags.
public struct ClockAnchor: Sendable, Hashable {
    /// The flags; nil runs on the system's clock.
    public var shift: ClockShift?
    /// What the clock reads at `realStart`.
    public var clockStart: Date
    /// The real instant the clock began, on this host's clock.
    public var realStart: Date
    /// The running instances whose anchor this is, when it was theirs and not made by this start.
    public var followedInstances: [String]

    public init(shift: ClockShift?, clockStart: Date, realStart: Date, followedInstances: [String] = []) {
        self.shift = shift
        self.clockStart = clockStart
        self.realStart = realStart
        self.followedInstances = followedInstances
    }

    /// A start's own anchor: its clock begins now.
    public static func starting(_ shift: ClockShift?, realNow: Date = Date()) -> ClockAnchor {
        ClockAnchor(shift: shift, clockStart: shift?.start ?? realNow, realStart: realNow)
    }

    /// The clock: ``ShiftedClock`` from the anchor, or the system's when no flag was given.
    public func makeClock() -> any WallClock {
        guard let shift else { return SystemClock() }
        return ShiftedClock(start: clockStart, rate: shift.rate, realStart: realStart)
    }
}
