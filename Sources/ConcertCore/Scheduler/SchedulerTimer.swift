import Dispatch
import Foundation

/// The one timer of the scheduler: armed for a wall-clock moment, re-armed when that changes.
public protocol SchedulerTimer: AnyObject, Sendable {
    /// Fires `handler` once at the real wall-clock moment `date`, replacing any earlier arming;
    /// `nil` disarms it. Called on the scheduler's queue.
    func arm(at date: Date?)
    /// Sets what runs when the timer fires, on the scheduler's queue.
    func setHandler(_ handler: @escaping @Sendable () -> Void)
}

/// A `DispatchSourceTimer` on the wall clock (`wallDeadline`, a CLOCK_REALTIME timerfd): it
/// follows changes of the system clock, so a jump forward fires it at once and a jump back delays
/// it by no more than the jump. Disarmed, it causes no wake-ups at all.
public final class DispatchWallTimer: SchedulerTimer, @unchecked Sendable {
    // Only touched on `queue`.
    private let source: any DispatchSourceTimer
    /// How late the kernel may fire the timer to save power.
    public let leeway: DispatchTimeInterval

    public init(queue: DispatchQueue, leeway: DispatchTimeInterval = .milliseconds(1)) {
        self.leeway = leeway
        source = DispatchSource.makeTimerSource(flags: [], queue: queue)
        source.schedule(wallDeadline: .distantFuture, repeating: .never, leeway: leeway)
        source.activate()
        // A timer armed when no descriptor can be opened for its clock's timerfd never fires: hold
        // the timerfds now, while descriptors are free, so that an arming during a fan-out that
        // holds them all still fires.
        DispatchClockDescriptors.hold()
    }

    deinit {
        source.cancel()
    }

    public func arm(at date: Date?) {
        guard let date else {
            source.schedule(wallDeadline: .distantFuture, repeating: .never, leeway: leeway)
            return
        }
        let seconds = date.timeIntervalSince1970
        let whole = floor(seconds)
        let deadline = DispatchWallTime(
            timespec: timespec(tv_sec: Int(whole), tv_nsec: Int((seconds - whole) * 1_000_000_000)))
        source.schedule(wallDeadline: deadline, repeating: .never, leeway: leeway)
    }

    public func setHandler(_ handler: @escaping @Sendable () -> Void) {
        source.setEventHandler(handler: handler)
    }
}
