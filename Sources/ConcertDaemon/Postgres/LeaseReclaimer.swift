import ConcertCore
import ConcertPostgres
import Dispatch
import Logging

/// Takes back, while the daemon runs, the sends other instances sharing the PostgreSQL store
/// claimed and never recorded: an instance that died (or lost the database for longer than its
/// lease) holds its rows until their leases expire on the server's clock; then any instance's
/// ``PostgresStore/reclaimExpiredLeases(now:)`` puts them back on the queue, due at once. When it
/// took rows back, `wake` tells the scheduler, which re-plans from the store and sends them.
///
/// A timer on a queue of its own, every ``period``: a few times a lease, so a dead instance's
/// sends wait at most a lease and a tenth. Every instance runs one; each row is taken back by
/// one of them (`FOR UPDATE SKIP LOCKED`). A SQLite store needs none: one process holds it, and
/// its start takes back what its earlier life had in flight.
final class LeaseReclaimer: @unchecked Sendable {
    // @unchecked: `timer` is touched only by `start` and `stop`, which the daemon calls once each.
    let store: PostgresStore
    let period: Duration
    private let clock: any WallClock
    private let logger: Logger
    private let wake: @Sendable () -> Void
    private let queue = DispatchQueue(label: "concertd.lease-reclaimer")
    private var timer: (any DispatchSourceTimer)?

    init(
        store: PostgresStore, period: Duration, clock: any WallClock, logger: Logger,
        wake: @escaping @Sendable () -> Void
    ) {
        self.store = store
        self.period = period
        self.clock = clock
        self.logger = logger
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
        do {
            let taken = try store.reclaimExpiredLeases(now: clock.now())
            guard taken > 0 else { return }
            logger.notice(
                "took back sends whose lease expired (an instance stopped or lost the database); sending them",
                metadata: ["count": "\(taken)"])
            wake()
        } catch {
            // The scheduler's own store calls report a database that is away; the next tick tries again.
            logger.debug("expired leases could not be checked", metadata: ["error": "\(error)"])
        }
    }
}
