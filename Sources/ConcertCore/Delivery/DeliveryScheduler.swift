import Dispatch
import Foundation
import Logging

/// Drives the outbox: arms one wall-clock timer for the earliest due row, claims due rows in
/// batches, hands them to their channel and records each verdict.
///
/// The path of a reminder: `pump()` (timer fired or something changed) → catch-up rules →
/// `markSending` (durable before any byte leaves) → `Channel.send` → `completed` → `flush()`
/// (one transaction for every verdict that arrived meanwhile) → `pump()` again → `arm()`.
///
/// All state lives on `queue`, a serial queue; public methods hop onto it. With nothing due the
/// timer is disarmed and the scheduler causes no wake-ups at all.
public final class DeliveryScheduler: @unchecked Sendable {
    public let queue: DispatchQueue
    private let database: AppDatabase
    private let clock: any WallClock
    private let timer: any SchedulerTimer
    private let logger: Logger
    private let random: @Sendable () -> Double

    // Everything below is confined to `queue`.
    private var channels: [String: any Channel]
    private var catalog: Catalog
    private var limits: SendLimits
    private var retry: RetryPolicy
    private var started = false
    private var stopping = false
    /// Set when `shutdown` has returned: verdicts arriving later (a transfer aborted as the
    /// sender stops) are not recorded; their rows stay `sending` and the next start sends them again.
    private var finished = false
    private var inFlight = 0
    private var inFlightByDestination: [String: Int] = [:]
    private var results: [DeliveryResult] = []
    private var flushScheduled = false
    /// Reminders that fell due up to this moment have been through the catch-up rules.
    private var sweptUpTo = Date.distantPast
    private var failing: [String: DestinationHealth] = [:]
    private var concertCache: [String: StoredConcert] = [:]
    private var armedFor: Date?
    private var drained: (() -> Void)?
    private var timerFires = 0
    private var activityHandler: (@Sendable () -> Void)?

    /// A destination that failed as a whole (refused connection to the smarthost, failed login).
    public struct DestinationHealth: Sendable, Hashable {
        public var destination: String
        public var since: Date
        public var failures: Int
        public var lastError: String
        /// Nothing is sent to it before this moment.
        public var retryAt: Date
    }

    public init(
        database: AppDatabase, catalog: Catalog, channels: [String: any Channel], clock: any WallClock,
        limits: SendLimits = SendLimits(), retry: RetryPolicy = RetryPolicy(),
        queue: DispatchQueue = DispatchQueue(label: "concertd.scheduler"), timer: (any SchedulerTimer)? = nil,
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }, logger: Logger
    ) {
        self.database = database
        self.catalog = catalog
        self.channels = channels
        self.clock = clock
        self.limits = limits
        self.retry = retry
        self.queue = queue
        self.timer = timer ?? DispatchWallTimer(queue: queue)
        self.random = random
        self.logger = logger
        self.timer.setHandler { [weak self] in self?.timerFired() }
    }

    // MARK: - Public API

    /// Recovers rows a crash left in `sending`, then sends what is due and arms the timer.
    /// Returns how many interrupted sends were queued again.
    @discardableResult
    public func start() throws -> Int {
        try queue.sync {
            let recovered = try database.recoverInterruptedSends(now: clock.now())
            if recovered > 0 {
                logger.warning(
                    "re-sending deliveries interrupted by the last stop (at-least-once)",
                    metadata: ["count": "\(recovered)"])
            }
            started = true
            pump()
            return recovered
        }
    }

    /// Called after the scheduler has recorded results, on its queue: for a status line that
    /// follows the work without polling.
    public func onActivity(_ handler: @escaping @Sendable () -> Void) {
        queue.async { self.activityHandler = handler }
    }

    /// Something changed in the database (a subscription, a concert, a retry): re-plan now.
    public func wake() {
        queue.async {
            self.concertCache.removeAll()
            self.pump()
        }
    }

    /// Replaces the catalog (cities and info URL used in messages) after a reload.
    public func update(catalog: Catalog) {
        queue.async {
            self.catalog = catalog
            self.concertCache.removeAll()
        }
    }

    /// Replaces channels and limits after a reload; sends in flight finish on the old channels.
    public func update(channels: [String: any Channel], limits: SendLimits, retry: RetryPolicy) {
        queue.async {
            self.channels = channels
            self.limits = limits
            self.retry = retry
            self.failing.removeAll()
            self.pump()
        }
    }

    /// Stops taking new sends, waits up to `grace` seconds for those in flight, records every
    /// verdict that arrived, and returns how many sends were still in flight (they stay
    /// `sending` and are sent again at the next start). Call from any thread but the queue.
    @discardableResult
    public func shutdown(grace: TimeInterval) -> Int {
        let done = DispatchSemaphore(value: 0)
        let idle = queue.sync { () -> Bool in
            stopping = true
            timer.arm(at: nil)
            if inFlight == 0 { return true }
            drained = { done.signal() }
            return false
        }
        if !idle { _ = done.wait(timeout: .now() + grace) }
        return queue.sync {
            drained = nil
            flush()
            finished = true
            if inFlight > 0 {
                logger.warning(
                    "stopping with sends in flight; they will be sent again at the next start",
                    metadata: ["count": "\(inFlight)"])
            }
            return inFlight
        }
    }

    /// What the scheduler is doing, for `status`.
    public func status() -> SchedulerStatus {
        queue.sync {
            SchedulerStatus(
                now: clock.now(), clockShifted: clock.isShifted, inFlight: inFlight,
                failingDestinations: failing.values.sorted { $0.destination < $1.destination },
                timerArmedFor: armedFor, timerFires: timerFires)
        }
    }

    /// Sends a test message to a subscription now and reports the channel's verdict. The test
    /// message is recorded in the outbox but never retried.
    public func sendTest(
        subscriptionID: String, completion: @escaping @Sendable (Result<DeliveryOutcome, any Error>) -> Void
    ) {
        queue.async {
            do {
                let claimed = try self.database.createTestDelivery(
                    subscriptionID: subscriptionID, now: self.clock.now())
                self.dispatch(claimed) { outcome in
                    let now = self.clock.now()
                    let state: Delivery.State = if case .sent = outcome { .sent } else { .failed }
                    let result = DeliveryResult(
                        delivery: claimed.delivery, subscription: claimed.subscription, outcome: outcome,
                        newState: state, nextAttempt: nil, reason: nil,
                        error: state == .sent ? nil : outcome.detail, finishedAt: now)
                    do {
                        try self.database.record([result])
                        completion(.success(outcome))
                    } catch {
                        completion(.failure(error))
                    }
                }
            } catch {
                completion(.failure(error))
            }
        }
    }

    // MARK: - The loop

    private func timerFired() {
        timerFires += 1
        let firedFor = armedFor
        armedFor = nil
        pump(firedFor: firedFor)
    }

    /// Claims and sends everything due, then arms the timer for what comes next.
    ///
    /// `firedFor` is the moment the timer was armed for: a shifted clock converted to real time
    /// and back may read a hair earlier when the timer fires, and that moment is due all the same.
    private func pump(firedFor: Date? = nil) {
        guard started, !stopping else { return }
        let now = max(clock.now(), firedFor ?? .distantPast)
        do {
            if now > sweptUpTo {
                let superseded = try database.supersedeStaleReminders(after: sweptUpTo, upTo: now)
                if superseded > 0 {
                    logger.info("skipped reminders superseded by a later one", metadata: ["count": "\(superseded)"])
                }
                sweptUpTo = now
            }
            while try claimBatch(now: now) {}
            arm(now: now)
        } catch {
            logger.error("the outbox could not be read or written; retrying in 5 s", metadata: ["error": "\(error)"])
            armedFor = now.addingTimeInterval(5)
            timer.arm(at: clock.realDate(when: now.addingTimeInterval(5)))
        }
    }

    /// Claims one batch of due rows; returns whether another batch may be waiting.
    private func claimBatch(now: Date) throws -> Bool {
        let capacity = limits.maximumInFlight - inFlight
        guard capacity > 0 else { return false }
        var excluded = Set(failing.values.filter { $0.retryAt > now }.map(\.destination))
        for (destination, count) in inFlightByDestination where count >= limits.maximumPerDestination {
            excluded.insert(destination)
        }
        let due = try database.dueDeliveries(now: now, limit: capacity, excluding: excluded)
        guard !due.isEmpty else { return false }
        var toSend: [ClaimedDelivery] = []
        var skips: [(Delivery, Delivery.SkipReason)] = []
        var perDestination = inFlightByDestination
        for item in due {
            if let deadline = item.delivery.deadline, deadline <= now {
                skips.append((item.delivery, .missed))
                continue
            }
            switch item.subscription.state {
            case .active: break
            case .paused:
                skips.append((item.delivery, .paused))
                continue
            case .disabled:
                skips.append((item.delivery, .disabled))
                continue
            case .removed:
                skips.append((item.delivery, .removed))
                continue
            }
            let destination = item.subscription.channel.destination
            guard perDestination[destination, default: 0] < limits.maximumPerDestination else { continue }
            perDestination[destination, default: 0] += 1
            toSend.append(item)
        }
        if !skips.isEmpty {
            let missed = skips.filter { $0.1 == .missed }.count
            if missed > 0 {
                logger.info("skipped messages whose concert had already started", metadata: ["count": "\(missed)"])
            }
        }
        let sending = try database.markSending(toSend, skipping: skips, now: now)
        for item in sending {
            dispatch(item) { [self] outcome in completed(item, outcome) }
        }
        // Another batch may be due if this one filled the capacity and made progress.
        return due.count == capacity && (!toSend.isEmpty || !skips.isEmpty)
    }

    /// Hands one claimed row to its channel; `done` runs on the queue with the verdict.
    private func dispatch(_ item: ClaimedDelivery, done: @escaping @Sendable (DeliveryOutcome) -> Void) {
        let destination = item.subscription.channel.destination
        inFlight += 1
        inFlightByDestination[destination, default: 0] += 1
        let finish: @Sendable (DeliveryOutcome) -> Void = { [self] outcome in
            queue.async {
                self.inFlight -= 1
                self.inFlightByDestination[destination, default: 1] -= 1
                if self.inFlightByDestination[destination] == 0 {
                    self.inFlightByDestination[destination] = nil
                }
                done(outcome)
                if self.inFlight == 0, let drained = self.drained {
                    self.drained = nil
                    drained()
                }
            }
        }
        guard let channel = channels[item.subscription.channel.kind] else {
            let kind = item.subscription.channel.kind
            let advice = kind == "email" ? "set smtp_url and mail_from" : "this is a bug: webhooks always have one"
            finish(.destinationFailed(error: "no \(kind) channel is configured (\(advice))", retryAfter: nil))
            return
        }
        do {
            channel.send(try message(for: item), completion: finish)
        } catch {
            finish(.permanent(error: "the message could not be built: \(error)"))
        }
    }

    private func message(for item: ClaimedDelivery) throws -> OutboundMessage {
        let concertID = item.delivery.concertID
        var concert = concertCache[concertID]
        if concert == nil || concert!.revision < item.delivery.concertRevision {
            guard let stored = try database.concert(id: concertID) else {
                throw StoreError(.notFound, "concert '\(concertID)' is not stored")
            }
            concertCache[concertID] = stored
            concert = stored
        }
        return OutboundMessage(item, concert: concert!, catalog: catalog, now: clock.now())
    }

    /// A verdict arrived: decide the row's next state, and flush all verdicts that arrive
    /// meanwhile in one transaction.
    private func completed(_ item: ClaimedDelivery, _ outcome: DeliveryOutcome) {
        guard !finished else { return }
        results.append(resolve(item, outcome, now: clock.now()))
        if !flushScheduled {
            flushScheduled = true
            queue.async { self.flush() }
        }
    }

    private func resolve(_ item: ClaimedDelivery, _ outcome: DeliveryOutcome, now: Date) -> DeliveryResult {
        let delivery = item.delivery
        let destination = item.subscription.channel.destination
        var result = DeliveryResult(
            delivery: delivery, subscription: item.subscription, outcome: outcome, newState: .failed,
            nextAttempt: nil, reason: nil, error: nil, finishedAt: now)
        switch outcome {
        case .sent:
            failing[destination] = nil
            result.newState = .sent
        case .retryable(let error, let retryAfter):
            failing[destination] = nil
            let next = now.addingTimeInterval(
                max(retry.delay(afterFailures: delivery.attempts, random: random()), retryAfter ?? 0))
            if delivery.attempts >= retry.maximumAttempts {
                result.error = "\(error) (gave up after \(delivery.attempts) attempts)"
            } else if let deadline = delivery.deadline, next >= deadline {
                result.error = "\(error) (no time for another attempt before the concert starts)"
            } else {
                result.newState = .retrying
                result.nextAttempt = next
                result.error = error
            }
        case .permanent(let error):
            failing[destination] = nil
            result.error = error
        case .gone(let error):
            failing[destination] = nil
            result.error = error
            logger.warning(
                "endpoint is gone; subscription disabled",
                metadata: ["subscription.id": "\(item.subscription.id)", "delivery.id": "\(delivery.id)"])
        case .destinationFailed(let error, let retryAfter):
            var health =
                failing[destination]
                ?? DestinationHealth(destination: destination, since: now, failures: 0, lastError: error, retryAt: now)
            if health.retryAt <= now {
                health.failures += 1
                health.retryAt = now.addingTimeInterval(
                    max(retry.delay(afterFailures: health.failures, random: random()), retryAfter ?? 0))
                logger.warning(
                    "destination failing; holding its messages",
                    metadata: [
                        "destination": "\(destination)", "failures": "\(health.failures)",
                        "retry_at": "\(KoreaTime.iso8601(health.retryAt))", "error": "\(error)",
                    ])
            }
            health.lastError = error
            failing[destination] = health
            if let deadline = delivery.deadline, health.retryAt >= deadline {
                result.newState = .skipped
                result.reason = .missed
                result.error = "destination failing until the concert started: \(error)"
            } else {
                result.newState = .retrying
                result.nextAttempt = health.retryAt
                result.error = error
            }
        }
        if result.newState == .failed {
            logger.warning(
                "delivery failed",
                metadata: [
                    "delivery.id": "\(delivery.id)", "subscription.id": "\(item.subscription.id)",
                    "error": "\(result.error ?? "")",
                ])
        }
        return result
    }

    private func flush() {
        flushScheduled = false
        guard !results.isEmpty else { return }
        let batch = results
        results.removeAll(keepingCapacity: true)
        do {
            try database.record(batch)
        } catch {
            // The rows stay `sending`; the next start sends them again.
            logger.error(
                "could not record delivery results", metadata: ["count": "\(batch.count)", "error": "\(error)"])
        }
        activityHandler?()
        pump()
    }

    /// Arms the timer for the earliest pending row, or for the moment a failing destination may
    /// be tried again; disarms it when nothing is pending.
    private func arm(now: Date) {
        var next = try? database.nextDue(after: now)
        for health in failing.values where health.retryAt > now {
            next = min(next ?? health.retryAt, health.retryAt)
        }
        armedFor = next
        timer.arm(at: next.map(clock.realDate(when:)))
    }
}

/// A snapshot of the scheduler for `status`.
public struct SchedulerStatus: Sendable {
    public var now: Date
    public var clockShifted: Bool
    public var inFlight: Int
    public var failingDestinations: [DeliveryScheduler.DestinationHealth]
    /// When the timer will next fire (scheduler clock), `nil` when disarmed.
    public var timerArmedFor: Date?
    /// How often the timer has fired since start.
    public var timerFires: Int
}
