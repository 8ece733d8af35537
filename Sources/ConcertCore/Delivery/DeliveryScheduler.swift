import Dispatch
import Foundation
import Logging

/// Drives the outbox: arms one wall-clock timer for the earliest due row, claims due rows in
/// batches, hands them to their channel and records each verdict.
///
/// The path of a reminder: `pump()` (timer fired or something changed) → catch-up rules →
/// `claimBatch` (due rows read ahead into `ready`) → `markSending` (durable before any byte
/// leaves; commits the verdicts that arrived meanwhile in the same transaction) → `dispatch` →
/// `Channel.send` → verdict → `takeVerdicts` → `completed` → `flush()` → `pump()` again → `arm()`.
/// Every delivery of one distinct message shares its rendered text and payload
/// (`SharedMessageParts`), so a fan-out builds each message once.
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
    /// Verdicts taken by `flush` and not yet committed: the next claim commits them in its transaction.
    private var unrecorded: [DeliveryResult] = []
    /// Reminders that fell due up to this moment have been through the catch-up rules.
    private var sweptUpTo = Date.distantPast
    /// No pending row falls due before this moment unless something changed: until then `pump`
    /// need not run the catch-up rules again.
    private var nothingDueBefore = Date.distantPast
    /// Due rows read ahead of their claim, queued by destination: a fan-out reads the outbox once per
    /// `readAhead` rows instead of once per round of verdicts. Emptied whenever the outbox changes
    /// under the scheduler (`wake`); a row whose state changed meanwhile fails its claim.
    private var ready = ReadyDeliveries()
    private let readAhead = 512
    /// Set when a read found no due row outside these destinations (each then at its limit or
    /// failing): reading again finds nothing new until one of them has room and no rows in
    /// `ready`, or new rows fall due (the catch-up sweep runs then, and clears it). One smarthost
    /// at its limit used to cost a walk over every due row for each verdict.
    private var dryRead: Set<String>?
    private var failing: [String: DestinationHealth] = [:]
    private var concertCache: [String: (concert: StoredConcert, version: Int)] = [:]
    /// Counts concert loads, so that a reloaded concert never shares parts with its former self.
    private var concertLoads = 0
    /// The parts shared by every delivery of one distinct message (see `SharedMessageParts`).
    private var sharedParts: [MessageContentKey: SharedMessageParts] = [:]
    private var armedFor: Date?
    private var drained: (() -> Void)?
    private var timerFires = 0
    private var activityHandler: (@Sendable () -> Void)?
    /// Verdicts handed over by the channels, from any thread, until the queue takes them.
    private let verdicts = VerdictInbox()

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
            self.forgetMessages()
            self.pump()
        }
    }

    /// Replaces the catalog (cities and info URL used in messages) after a reload.
    public func update(catalog: Catalog) {
        queue.async {
            self.catalog = catalog
            self.forgetMessages()
        }
    }

    /// Replaces channels and limits after a reload; sends in flight finish on the old channels.
    public func update(channels: [String: any Channel], limits: SendLimits, retry: RetryPolicy) {
        queue.async {
            self.channels = channels
            self.limits = limits
            self.retry = retry
            self.failing.removeAll()
            self.forgetMessages()
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
        guard started, !stopping else {
            recordUnrecorded()
            return
        }
        let now = max(clock.now(), firedFor ?? .distantPast)
        do {
            if now > sweptUpTo && now >= nothingDueBefore {
                let (superseded, nextDue) = try database.supersedeStaleReminders(after: sweptUpTo, upTo: now)
                if superseded > 0 {
                    logger.info("skipped reminders superseded by a later one", metadata: ["count": "\(superseded)"])
                }
                sweptUpTo = now
                nothingDueBefore = nextDue ?? .distantFuture
                dryRead = nil
            }
            for result in unrecorded where result.newState == .retrying {
                if let next = result.nextAttempt { nothingDueBefore = min(nothingDueBefore, next) }
            }
            var waiting = false
            while true {
                let (progress, more) = try claimBatch(now: now)
                waiting = more
                if !progress { break }
            }
            recordUnrecorded()
            // While due rows wait for a free slot, the verdicts of the sends in flight pump again:
            // the timer need not be armed (nor the next due row looked up) for each of them.
            if !(waiting && inFlight > 0) { arm(now: now) }
        } catch {
            logger.error("the outbox could not be read or written; retrying in 5 s", metadata: ["error": "\(error)"])
            ready.removeAll()
            recordUnrecorded()
            armedFor = now.addingTimeInterval(5)
            timer.arm(at: clock.realDate(when: now.addingTimeInterval(5)))
        }
    }

    /// Whether a row of `destination` may be sent now: it is not failing and not at its limit.
    private func hasRoom(for destination: String, now: Date, counts: [String: Int]) -> Bool {
        if let health = failing[destination], health.retryAt > now { return false }
        return counts[destination, default: 0] < limits.maximumPerDestination
    }

    /// Claims one batch of due rows. Returns whether it claimed or skipped any (another batch may
    /// follow) and whether due rows are left waiting for a free slot.
    private func claimBatch(now: Date) throws -> (progress: Bool, waiting: Bool) {
        let capacity = limits.maximumInFlight - inFlight
        guard capacity > 0 else { return (false, !ready.isEmpty) }
        var perDestination = inFlightByDestination
        if !ready.destinations.contains(where: { hasRoom(for: $0, now: now, counts: perDestination) }) {
            // Every row in `ready` waits for a busy or failing destination: read the rows of the others.
            if let dry = dryRead {
                let waiting = Set(ready.destinations)
                let freed = dry.contains { hasRoom(for: $0, now: now, counts: perDestination) && !waiting.contains($0) }
                if !freed { return (false, !ready.isEmpty) }
            }
            // Only a failing destination or one with sends in flight can lack room.
            let excluded = Set(failing.keys).union(inFlightByDestination.keys).filter {
                !hasRoom(for: $0, now: now, counts: perDestination)
            }
            let due = try database.dueDeliveries(now: now, limit: max(capacity, readAhead), excluding: excluded)
            guard !due.isEmpty else {
                dryRead = excluded
                return (false, !ready.isEmpty)
            }
            dryRead = nil
            // The rows read are of other destinations than those in `ready`: no row is held twice.
            ready.append(due)
        }
        var toSend: [ClaimedDelivery] = []
        var skips: [(Delivery, Delivery.SkipReason)] = []
        // Round by round, one row per destination in each, oldest destinations first: rows past
        // their deadline or of a stopped subscription are skipped, then a row goes if its
        // destination has room. Spreading the sends keeps each receiver's connections few and
        // reused (taking a destination's rows all at once opened more connections than libcurl
        // keeps, and each send paid for a new one).
        var open = ready.destinations
        while !open.isEmpty && toSend.count < capacity {
            open.removeAll { destination in
                guard toSend.count < capacity else { return false }
                while let item = ready.first(of: destination) {
                    if let deadline = item.delivery.deadline, deadline <= now {
                        skips.append((item.delivery, .missed))
                    } else if let reason = Self.skipReason(item.subscription.state) {
                        skips.append((item.delivery, reason))
                    } else if hasRoom(for: destination, now: now, counts: perDestination) {
                        perDestination[destination, default: 0] += 1
                        toSend.append(item)
                        ready.removeFirst(of: destination)
                        return false
                    } else {
                        return true
                    }
                    ready.removeFirst(of: destination)
                }
                return true
            }
        }
        ready.dropEmptyDestinations()
        if !skips.isEmpty {
            let missed = skips.filter { $0.1 == .missed }.count
            if missed > 0 {
                logger.info("skipped messages whose concert had already started", metadata: ["count": "\(missed)"])
            }
        }
        guard !toSend.isEmpty || !skips.isEmpty else { return (false, !ready.isEmpty) }
        let sending = try database.markSending(toSend, skipping: skips, recording: unrecorded, now: now)
        unrecorded.removeAll()
        for item in sending {
            dispatch(item) { [self] outcome in completed(item, outcome) }
        }
        return (true, !ready.isEmpty)
    }

    /// Why a row of a subscription in `state` is skipped instead of sent; `nil` when it is active.
    private static func skipReason(_ state: Subscription.State) -> Delivery.SkipReason? {
        switch state {
        case .active: nil
        case .paused: .paused
        case .disabled: .disabled
        case .removed: .removed
        }
    }

    /// Hands one claimed row to its channel; `done` runs on the queue with the verdict.
    private func dispatch(_ item: ClaimedDelivery, done: @escaping @Sendable (DeliveryOutcome) -> Void) {
        let destination = item.destination
        inFlight += 1
        inFlightByDestination[destination, default: 0] += 1
        let finish: @Sendable (DeliveryOutcome) -> Void = { [self] outcome in
            if verdicts.add(Verdict(destination: destination, outcome: outcome, done: done)) {
                queue.async { self.takeVerdicts() }
            }
        }
        guard let channel = channels[item.subscription.channel.kind] else {
            let kind = item.subscription.channel.kind
            let advice = kind == "email" ? "set smtp_url and mail_from" : "this is a bug: webhooks always have one"
            finish(.destinationFailed(error: "no \(kind) channel is configured (\(advice))", retryAfter: nil))
            return
        }
        do {
            channel.send(try message(for: item, now: clock.now()), completion: finish)
        } catch {
            finish(.permanent(error: "the message could not be built: \(error)"))
        }
    }

    /// Takes every verdict that arrived since the last call: one hop onto the queue per round of
    /// verdicts, not one per send.
    private func takeVerdicts() {
        for verdict in verdicts.takeAll() {
            inFlight -= 1
            inFlightByDestination[verdict.destination, default: 1] -= 1
            if inFlightByDestination[verdict.destination] == 0 {
                inFlightByDestination[verdict.destination] = nil
            }
            verdict.done(verdict.outcome)
        }
        if inFlight == 0, let drained {
            self.drained = nil
            drained()
        }
    }

    /// The message of a claimed row, sharing its built parts with every other delivery of the same content.
    private func message(for item: ClaimedDelivery, now: Date) throws -> OutboundMessage {
        let concertID = item.delivery.concertID
        var cached = concertCache[concertID]
        if cached == nil || cached!.concert.revision < item.delivery.concertRevision {
            guard let stored = try database.concert(id: concertID) else {
                throw StoreError(.notFound, "concert '\(concertID)' is not stored")
            }
            concertLoads += 1
            cached = (stored, concertLoads)
            concertCache[concertID] = cached
        }
        let (concert, version) = cached!
        var message = OutboundMessage(item, concert: concert, catalog: catalog, now: now)
        let language = item.subscription.language
        let key = MessageContentKey(
            concertID: concertID, concertRevision: concert.revision, concertVersion: version,
            kind: item.delivery.kind, offsetSeconds: item.delivery.offset.seconds, language: language,
            cityIDs: message.cities.map(\.id), subscriptionOffsets: item.subscription.offsets.map(\.seconds),
            previous: item.delivery.detail,
            ahead: MessageWording.ahead(from: now, to: concert.concert.schedule, in: language))
        if let shared = sharedParts[key] {
            message.shared = shared
        } else {
            if sharedParts.count >= 4096 { sharedParts.removeAll(keepingCapacity: true) }
            sharedParts[key] = message.shared
        }
        return message
    }

    /// Drops cached concerts and shared message parts: the concerts, the catalog or the channels changed.
    private func forgetMessages() {
        concertCache.removeAll()
        sharedParts.removeAll()
        ready.removeAll()
        dryRead = nil
        nothingDueBefore = .distantPast
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
        let destination = item.destination
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

    /// Commits the verdicts that arrived: in the transaction of the next claim when `pump` finds
    /// rows to send, on their own otherwise.
    private func flush() {
        flushScheduled = false
        guard !results.isEmpty else { return }
        unrecorded += results
        results.removeAll(keepingCapacity: true)
        pump()
        activityHandler?()
    }

    /// Commits verdicts that no claim took along.
    private func recordUnrecorded() {
        guard !unrecorded.isEmpty else { return }
        do {
            try database.record(unrecorded)
        } catch {
            // The rows stay `sending`; the next start sends them again.
            logger.error(
                "could not record delivery results", metadata: ["count": "\(unrecorded.count)", "error": "\(error)"])
        }
        unrecorded.removeAll()
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

/// A channel's verdict on one send, waiting for the scheduler's queue.
private struct Verdict {
    var destination: String
    var outcome: DeliveryOutcome
    var done: @Sendable (DeliveryOutcome) -> Void
}

/// Verdicts arriving from any thread, taken all at once on the scheduler's queue.
private final class VerdictInbox: @unchecked Sendable {
    // @unchecked: `waiting` is only touched while holding `lock`.
    private let lock = NSLock()
    private var waiting: [Verdict] = []

    /// Adds a verdict; returns whether the inbox was empty, i.e. whether the caller must schedule a take.
    func add(_ verdict: Verdict) -> Bool {
        lock.withLock {
            waiting.append(verdict)
            return waiting.count == 1
        }
    }

    func takeAll() -> [Verdict] {
        lock.withLock {
            defer { waiting.removeAll(keepingCapacity: true) }
            return waiting
        }
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
