import Dispatch

/// Holds libdispatch's timer descriptors for the life of the process: one timer of each clock the
/// daemon arms Dispatch timers on, the uptime clock (`deadline:`, a CLOCK_MONOTONIC timerfd) and
/// the wall clock (`wallDeadline:`, a CLOCK_REALTIME timerfd), kept armed ten years ahead.
///
/// libdispatch opens a clock's timerfd when it first sets the kernel timer for a timer of that
/// clock, and keeps it open from then on; a timer armed when no descriptor can be opened never
/// fires. It sets the kernel timer only for a timer not yet due when its manager thread gets to
/// it: a timer already due by then runs at once and opens nothing, which on a loaded machine is
/// often the case for a timer 1 ms ahead. A deadline past what a `dispatch_time_t` holds (on the
/// wall clock, around the year 2116) counts as "forever" and opens nothing either. Ten years ahead
/// is neither, on both clocks; kept armed, the timers keep the descriptors registered too.
public enum DispatchClockDescriptors {
    private static let span = DispatchTimeInterval.seconds(10 * 365 * 86_400)

    nonisolated(unsafe) private static let timers: [any DispatchSourceTimer] = {
        let uptime = DispatchSource.makeTimerSource()
        uptime.schedule(deadline: .now() + span, repeating: span)
        let wall = DispatchSource.makeTimerSource()
        wall.schedule(wallDeadline: .now() + span, repeating: span)
        for timer in [uptime, wall] { timer.activate() }
        return [uptime, wall]
    }()

    /// Arms the two timers, once per process; libdispatch opens their descriptors on its manager
    /// thread shortly after. Call it at start, while descriptors are free.
    public static func hold() {
        _ = timers
    }
}
