import Dispatch
import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Answers systemd's watchdog (`WatchdogSec=`): `WATCHDOG=1` at half of `$WATCHDOG_USEC`.
///
/// Pings from a `DispatchSourceTimer` on the monotonic clock (a wall-clock jump neither delays
/// nor hurries it). Give it the queue of the work it vouches for, or an `isHealthy` check, so
/// that a stuck daemon stops pinging and systemd restarts it. Keep a reference while it runs: a
/// timer whose last reference is dropped never fires.
public final class WatchdogPinger: @unchecked Sendable {
    // @unchecked: `timer` is created once in init and only used through DispatchSource's
    // thread-safe methods; `started` is guarded by `lock`.

    /// Time between two pings: half the watchdog interval.
    public let interval: Duration
    private let timer: any DispatchSourceTimer
    private let lock = NSLock()
    private var started = false
    private var stopped = false

    /// Half of `WATCHDOG_USEC` when systemd asks this process for pings: the variable is set and
    /// positive, and `WATCHDOG_PID` is unset or names `pid`. `nil` otherwise.
    public static func interval(environment: [String: String], pid: pid_t = getpid()) -> Duration? {
        guard let text = environment["WATCHDOG_USEC"], let microseconds = UInt64(text), microseconds > 0 else {
            return nil
        }
        if let owner = environment["WATCHDOG_PID"], pid_t(owner) != pid { return nil }
        return .microseconds(Int64(clamping: microseconds / 2))
    }

    /// A pinger, or `nil` when systemd expects no pings from this process (see ``interval(environment:pid:)``).
    public convenience init?(
        notifier: SystemdNotifier,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        pid: pid_t = getpid(),
        queue: DispatchQueue = DispatchQueue(label: "concertd.watchdog"),
        isHealthy: @escaping @Sendable () -> Bool = { true }
    ) {
        guard notifier.isEnabled, let interval = Self.interval(environment: environment, pid: pid) else { return nil }
        self.init(notifier: notifier, interval: interval, queue: queue, isHealthy: isHealthy)
    }

    /// A pinger with a chosen interval.
    public init(
        notifier: SystemdNotifier, interval: Duration, queue: DispatchQueue,
        isHealthy: @escaping @Sendable () -> Bool = { true }
    ) {
        self.interval = interval
        let microseconds = Int(
            clamping: interval.components.seconds * 1_000_000 + interval.components.attoseconds / 1_000_000_000_000)
        timer = DispatchSource.makeTimerSource(flags: [], queue: queue)
        timer.schedule(
            deadline: .now(), repeating: .microseconds(max(microseconds, 1)),
            leeway: .microseconds(max(microseconds / 10, 1)))
        timer.setEventHandler {
            if isHealthy() { notifier.watchdog() }
        }
    }

    /// Starts pinging, at once and then every ``interval``. Calling it again does nothing.
    public func start() {
        lock.lock()
        defer { lock.unlock() }
        guard !started, !stopped else { return }
        started = true
        timer.resume()
    }

    /// Stops pinging for good.
    public func stop() {
        lock.lock()
        defer { lock.unlock() }
        guard !stopped else { return }
        stopped = true
        if !started {
            // A suspended source must be resumed before it is released; it must not ping then.
            timer.setEventHandler(handler: nil)
            timer.resume()
        }
        timer.cancel()
    }

    deinit { stop() }
}
