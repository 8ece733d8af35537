import ConcertCore
import ConcertPostgres
import Dispatch
import Foundation
import Logging

/// Takes back, while the daemon runs, the sends other instances sharing the PostgreSQL store
/// claimed and never recorded: an instance that died (or lost the database for longer than its
/// lease) holds its rows until their leases expire on the server's clock; then any instance's
/// ``PostgresStore/reclaimExpiredLeases(now:)`` puts them back on the queue, due at once. When it
/// took rows back, `wake` tells the scheduler, which re-plans from the store and sends them.
///
/// A retry an instance scheduled before it died is no one's lease, and the verdict that scheduled
/// it sent no notice (``StoreChangeNotice``): so each tick also wakes the scheduler when the store
/// holds a pending row due after the last tick and before the moment the scheduler's timer is
/// armed for (`armedFor`), which it then re-arms for. One indexed read a tick.
///
/// A timer on a queue of its own, every ``period``: a few times a lease, so a dead instance's
/// sends wait at most a lease and a tenth. Every instance runs one; each row is taken back by
/// one of them (`FOR UPDATE SKIP LOCKED`). A SQLite store needs none: one process holds it, and
/// its start takes back what its earlier life had in flight.
final class LeaseReclaimer: @unchecked Sendable {
    // @unchecked: `timer` is touched only by `start` and `stop`, which the daemon calls once each;
    // `lastTick` only on `queue`.
    let store: PostgresStore
    let period: Duration
    private let clock: any WallClock
    private let logger: Logger
    private let armedFor: @Sendable () -> Date?
    private let wake: @Sendable () -> Void
    private let queue = DispatchQueue(label: "concertd.lease-reclaimer")
    private var timer: (any DispatchSourceTimer)?
    private var lastTick: Date?

    /// - Parameters:
    ///   - armedFor: when the scheduler's timer fires next (`distantFuture` when it is not armed),
    ///     or nil while it sends: it reads the store's next due time when it is done.
    ///   - wake: wakes the scheduler.
    init(
        store: PostgresStore, period: Duration, clock: any WallClock, logger: Logger,
        armedFor: @escaping @Sendable () -> Date?, wake: @escaping @Sendable () -> Void
    ) {
        self.store = store
        self.period = period
        self.clock = clock
        self.logger = logger
        self.armedFor = armedFor
        self.wake = wake
    }

    /// A tenth of the lease, at least a second.
    static func period(forLease seconds: Int) -> Duration {
        .seconds(max(1, seconds / 10))
    }

    func start() {
        let timer = DispatchSource.makeTimerSource(queue: queue)
        let interval = DispatchTimeInterval.milliseconds(
            Int(period.components.seconds * 1000 + period.components.attoseconds / 1_000_000_000_000_000))
        timer.schedule(deadline: .now() + interval, repeating: interval, leeway: .milliseconds(100))
        timer.setEventHandler { [weak self] in self?.reclaim() }
        self.timer = timer
        timer.resume()
    }

    func stop() {
        timer?.cancel()
        timer = nil
    }

    private func reclaim() {
        let now = clock.now()
        defer { lastTick = now }
        do {
            let taken = try store.reclaimExpiredLeases(now: now)
            if taken > 0 {
                logger.notice(
                    "took back sends whose lease expired (an instance stopped or lost the database); sending them",
                    metadata: ["count": "\(taken)"])
                return wake()
            }
            if let armed = armedFor(), let next = try store.nextDue(after: lastTick ?? now), next < armed {
                logger.debug("a row is due before the timer; waking the scheduler", metadata: ["due": "\(next)"])
                wake()
            }
        } catch {
            // The scheduler's own store calls report a database that is away; the next tick tries again.
            logger.debug("expired leases could not be checked", metadata: ["error": "\(error)"])
        }
    }
}
