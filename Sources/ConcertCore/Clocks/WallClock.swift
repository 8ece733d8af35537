import Foundation

/// The wall clock the scheduler reasons in: due times, backoff and `Retry-After`.
///
/// Network timeouts do not use it; they stay on the real monotonic clock.
public protocol WallClock: Sendable {
    /// The current moment on this clock.
    func now() -> Date
    /// The real wall-clock moment at which this clock will read `date`, for arming a
    /// `DispatchSourceTimer` with `wallDeadline`.
    func realDate(when date: Date) -> Date
    /// Whether this clock differs from the system clock.
    var isShifted: Bool { get }
}
