import ConcertCore
import ConcertPostgres
import ConcertProtocol
import Dispatch
import Foundation

extension DaemonControlHandler {
    /// The longest `status` waits for the store's reads before it answers without them.
    static let statusReadTimeout: DispatchTimeInterval = .seconds(2)

    /// The answer to `status`: what the daemon holds in memory, and what it reads from the store.
    ///
    /// While the store is out of reach (the daemon last met its server away or refusing it, a
    /// read here fails with a fault that may clear, or the reads take longer than
    /// ``statusReadTimeout``), the parts read from it are left empty and named in `not_read`, and
    /// the store's line says since when and why: the answer comes promptly from memory, never
    /// waiting on a server that is away. A lasting failure (a bug, a damaged store) is still an
    /// `internal_error`.
    static func statusReport(_ daemon: Daemon) throws(ControlError) -> StatusResult {
        let now = daemon.clock.now()
        let withWeb = daemon.webAddress != nil && daemon.webLinks != nil
        let parts = ["counts", "next_due"] + (withWeb ? ["web.pending_requests"] : [])
        let pool = (daemon.database as? PostgresStore)?.pool
        var reads: StatusReads?
        var readFault: String?
        if pool?.outage != nil {
            // Answered from memory; one connection attempt in the background finds the server back.
            pool?.probeInBackground()
        } else {
            switch daemon.statusReads.run(
                timeout: statusReadTimeout, { try StatusReads(daemon, now: now, web: withWeb) })
            {
            case .read(let value): reads = value
            case .failed(let error):
                guard let problem = StoreFault.transientDescription(of: error) else {
                    return try store { () throws -> StatusResult in throw error }
                }
                readFault = problem
            case .waiting(let seconds):
                readFault = "the store has not answered a read for \(Int(seconds)) s"
            }
        }
        let scheduler = daemon.scheduler.status()
        var deliveries: [String: Int] = [:]
        var subscriptions: [String: Int] = [:]
        for (name, value) in reads?.counters ?? [:] where value != 0 {
            if name.hasPrefix("delivery.") { deliveries[String(name.dropFirst(9))] = value }
            if name.hasPrefix("subscription.") { subscriptions[String(name.dropFirst(13))] = value }
        }
        let rate = daemon.resolved.configuration.clockShift?.rate ?? 1
        var result = StatusResult(
            version: ConcertDaemonInfo.version, uptimeSeconds: Int(Date().timeIntervalSince(daemon.startedAt)),
            clock: ClockStatus(now: KoreaTime.iso8601(now), shifted: scheduler.clockShifted, rate: rate),
            counts: StatusCounts(
                concerts: reads?.concertCounts ?? [:], subscriptions: subscriptions, deliveries: deliveries),
            failingDestinations: scheduler.failingDestinations.map {
                FailingDestination(
                    destination: $0.destination, failures: $0.failures,
                    lastError: daemon.redact($0.lastError), since: KoreaTime.iso8601($0.since))
            },
            nextDue: reads?.next.map { DeliveryInfo($0, daemon: daemon) },
            storeError: scheduler.storeFault.map {
                StoreErrorStatus(
                    message: daemon.redact($0.message), since: KoreaTime.iso8601($0.since),
                    retryingAt: KoreaTime.iso8601($0.retryAt), failures: $0.failures)
            })
        if let address = daemon.webAddress, let base = daemon.webLinks?.baseURL {
            result.web = WebListenerStatus(
                listen: address.description, baseURL: base, pendingRequests: reads?.pendingWebRequests)
        }
        if let address = daemon.metricsAddress {
            result.metrics = MetricsListenerStatus(listen: address.description)
        }
        var storeStatus = Daemon.storeStatus(daemon.resolved)
        // The pool's outage as it stands after the reads (a failed read records one).
        if let outage = pool?.outage {
            // Its start on the daemon's clock (shifted or not), as the other times here.
            let since = now.addingTimeInterval(-Date().timeIntervalSince(outage.since) * rate)
            storeStatus.unreachableSince = KoreaTime.iso8601(since)
            storeStatus.unreachableReason = daemon.redact(outage.error.description)
        } else if let readFault {
            storeStatus.unreachableSince = KoreaTime.iso8601(now)
            storeStatus.unreachableReason = daemon.redact(readFault)
        }
        result.store = storeStatus
        let (inForce, fileVersion, fileProblem) = daemon.catalogStatus
        result.catalog = CatalogStatus(
            version: inForce?.version ?? daemon.catalog.version,
            takenAt: inForce.map { KoreaTime.iso8601($0.takenAt) },
            takenBy: inForce?.takenBy, file: daemon.resolved.paths.catalogPath, fileVersion: fileVersion,
            fileProblem: fileProblem.map { daemon.redact($0) })
        if reads == nil { result.notRead = parts }
        return result
    }
}

/// What `status` reads from the store.
struct StatusReads: Sendable {
    var counters: [String: Int]
    var concertCounts: [String: Int]
    var next: Delivery?
    var pendingWebRequests: Int?

    init(_ daemon: Daemon, now: Date, web: Bool) throws {
        counters = try daemon.database.counters()
        concertCounts = try daemon.database.concertCounts(now: now)
        next = try daemon.database.upcoming(limit: 1).first
        pendingWebRequests = web ? try daemon.database.pendingWebRequestCount(now: now) : nil
    }
}

/// Runs `status`'s reads of the store on a thread of their own, waiting a bound for them: one
/// outstanding at a time, so that a server that hangs gathers no pile of blocked reads.
final class StatusReadRunner: @unchecked Sendable {
    // @unchecked: `outstanding` is guarded by `lock`.
    private let lock = NSLock()
    private var outstanding: (started: ContinuousClock.Instant, done: DispatchSemaphore, result: ResultBox)?
    /// A serial queue of its own, not a global one: the first work item on a global concurrent
    /// queue starts libdispatch's worker pool monitor, which then wakes the daemon every second
    /// (the idle daemon's end-to-end check sees it).
    private let queue = DispatchQueue(label: "concertd.status-reads")

    enum Outcome {
        case read(StatusReads)
        case failed(any Error)
        /// The reads started this long ago have not finished.
        case waiting(seconds: Double)
    }

    final class ResultBox: @unchecked Sendable {
        // @unchecked: written once before `done` is signalled, read after.
        var value: Result<StatusReads, any Error>?
    }

    func run(timeout: DispatchTimeInterval, _ reads: @escaping @Sendable () throws -> StatusReads) -> Outcome {
        let current = lock.withLock { () -> (ContinuousClock.Instant, DispatchSemaphore, ResultBox) in
            if let outstanding { return outstanding }
            let started = (ContinuousClock.now, DispatchSemaphore(value: 0), ResultBox())
            outstanding = started
            let (_, done, box) = started
            queue.async { [self] in
                box.value = Result { try reads() }
                lock.withLock { outstanding = nil }
                done.signal()
            }
            return started
        }
        let (started, done, box) = current
        guard done.wait(timeout: .now() + timeout) == .success else {
            let waited = (ContinuousClock.now - started).components
            return .waiting(seconds: Double(waited.seconds) + Double(waited.attoseconds) / 1e18)
        }
        // A later caller waiting on the same reads must be woken too.
        done.signal()
        switch box.value {
        case .success(let reads): return .read(reads)
        case .failure(let error): return .failed(error)
        case nil: return .waiting(seconds: 0)
        }
    }
}
