import Dispatch
import Foundation
import Logging
import Synchronization

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
    /// Webhook hosts whose sends keep failing: shown in `status`, not held.
    private var webhookHosts = WebhookHostFailures()
    /// Set while the outbox cannot be read or written; cleared by the first store call that succeeds.
    private var storeFault: StoreFault?
    /// What the sends since the last drain came to, for the journal's summary line.
    private var tally = SendTally()
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
    /// When the store call the queue is in began (monotonic nanoseconds), 0 outside store calls:
    /// read by `liveness` from any thread.
    let storeCallStarted = Mutex<UInt64>(0)
    /// The outstanding no-op of `liveness` on the queue, if any.
    let queueProbe = LivenessProbe()

    /// A destination that failed as a whole (refused connection to the smarthost, failed login,
    /// a webhook host that answers none of several messages).
    public struct DestinationHealth: Sendable, Hashable {
        public var destination: String
        public var since: Date
        public var failures: Int
        public var lastError: String
        /// Nothing is sent to it before this moment; `nil` for a webhook host, which is not held
        /// (each of its messages keeps its own retries).
        public var retryAt: Date?
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
            let recovered = try store { try database.recoverInterruptedSends(now: clock.now()) }
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
                failingDestinations: failing.values.sorted { $0.destination < $1.destination }
                    + webhookHosts.failing.filter { failing[$0.destination] == nil },
                timerArmedFor: armedFor, timerFires: timerFires, storeFault: storeFault)
        }
    }

    /// Sends a test message to a subscription now and reports the channel's verdict. The test
    /// message is recorded in the outbox but never retried.
    ///
    /// The verdict is reported once it is recorded, or, when the outbox cannot be written, kept
    /// with the other verdicts waiting for the store (`status` shows the fault): the message went.
    public func sendTest(
        subscriptionID: String, completion: @escaping @Sendable (Result<DeliveryOutcome, any Error>) -> Void
    ) {
        queue.async {
            do {
                let claimed = try self.store {
                    try self.database.createTestDelivery(subscriptionID: subscriptionID, now: self.clock.now())
                }
                self.dispatch(claimed) { outcome in
                    let now = self.clock.now()
                    let state: Delivery.State = if case .sent = outcome { .sent } else { .failed }
                    let result = DeliveryResult(
                        delivery: claimed.delivery, subscription: claimed.subscription, outcome: outcome,
                        newState: state, nextAttempt: nil, reason: nil,
                        error: state == .sent ? nil : outcome.detail, finishedAt: now)
                    self.recordTest(result, destination: claimed.destination)
                    completion(.success(outcome))
                }
            } catch {
                completion(.failure(error))
            }
        }
    }

    /// Records a test message's verdict now (its reply waits for it), then claims what waited for
    /// the slot it held. When the outbox cannot be written the verdict waits with the others. A
    /// test message counts towards its destination's health (the smarthost's, a webhook host's)
    /// like any other send.
    private func recordTest(_ result: DeliveryResult, destination: String) {
        guard !finished else { return }
        journal(result, destination: destination)
        _ = noteHealth(of: destination, result.outcome, now: result.finishedAt)
        if result.subscription.channel.kind == "webhook" {
            noteWebhookHost(
                destination, deliveryID: result.delivery.id, outcome: result.outcome, now: result.finishedAt)
        }
        if storeFault == nil {
            do {
                _ = try store { try database.record([result]) }
            } catch {
                unrecorded.append(result)
                storeFailed(error, now: clock.now())
                return
            }
        } else {
            unrecorded.append(result)
        }
        pump()
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
    ///
    /// While the outbox cannot be written (`storeFault`), nothing is claimed before the retry
    /// time the timer is armed for: verdicts wait in `unrecorded`, and calls in between return at once.
    private func pump(firedFor: Date? = nil) {
        guard started, !stopping else {
            recordAtStop()
            return
        }
        let now = max(clock.now(), firedFor ?? .distantPast)
        if let fault = storeFault {
            if now < fault.retryAt { return }
            // The sweep is a write: it finds out whether the outbox can be written again.
            nothingDueBefore = .distantPast
        }
        do {
            if now > sweptUpTo && now >= nothingDueBefore {
                let (superseded, nextDue) = try store {
                    try database.supersedeStaleReminders(after: sweptUpTo, upTo: now)
                }
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
            var waiting = try claimAll(now: now)
            if try recordUnrecorded() {
                // Rows that waited for these verdicts are due: claim them too.
                dryRead = nil
                waiting = try claimAll(now: now)
            }
            // While due rows wait for a free slot, the verdicts of the sends in flight pump again:
            // the timer need not be armed (nor the next due row looked up) for each of them.
            if !(waiting && inFlight > 0) { try arm(now: now) }
            storeRecovered()
            if inFlight == 0 && ready.isEmpty { summarize() }
        } catch {
            storeFailed(error, now: now)
        }
    }

    /// The outbox could not be read or written: keeps the verdicts not yet recorded, forgets the
    /// rows read ahead (they are read again), and arms the timer for the next try, backing off.
    private func storeFailed(_ error: any Error, now: Date) {
        ready.removeAll()
        dryRead = nil
        let message = StoreFault.describe(error)
        var fault = storeFault ?? StoreFault(message: message, since: now, failures: 0, retryAt: now)
        fault.failures += 1
        fault.message = message
        fault.retryAt = now.addingTimeInterval(StoreFault.delay(afterFailures: fault.failures))
        storeFault = fault
        logger.error(
            "the outbox could not be read or written; nothing is sent until it can, results are kept",
            metadata: [
                "error": "\(message)", "failures": "\(fault.failures)", "unrecorded": "\(unrecorded.count)",
                "retry_at": "\(KoreaTime.iso8601(fault.retryAt))",
            ])
        armedFor = fault.retryAt
        timer.arm(at: clock.realDate(when: fault.retryAt))
        activityHandler?()
    }

    /// A store call succeeded after a fault.
    private func storeRecovered() {
        guard let fault = storeFault else { return }
        storeFault = nil
        logger.notice(
            "the outbox can be written again",
            metadata: ["failures": "\(fault.failures)", "since": "\(KoreaTime.iso8601(fault.since))"])
        activityHandler?()
    }

    /// Claims batches until one makes no progress; returns whether due rows wait for a free slot.
    private func claimAll(now: Date) throws -> Bool {
        while true {
            let (progress, waiting) = try claimBatch(now: now)
            if !progress { return waiting }
        }
    }

    /// Whether a row of `destination` may be sent now: it is not failing and not at its limit.
    private func hasRoom(for destination: String, now: Date, counts: [String: Int]) -> Bool {
        if let retryAt = failing[destination]?.retryAt, retryAt > now { return false }
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
            let due = try store {
                try database.dueDeliveries(now: now, limit: max(capacity, readAhead), excluding: excluded)
            }
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
        let (sending, putOffUntil, woke, duplicates) = try store {
            try database.markSending(toSend, skipping: skips, recording: unrecorded, now: now)
        }
        unrecorded.removeAll()
        journalSkips(skips, duplicates: duplicates)
        if let putOffUntil { nothingDueBefore = min(nothingDueBefore, putOffUntil) }
        if woke { dryRead = nil }
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
        } catch  where StoreFault.isDatabaseError(error) {
            finish(.retryable(error: "the concert could not be read: \(StoreFault.describe(error))", retryAfter: nil))
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
            guard let stored = try store({ try database.concert(id: concertID) }) else {
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
        let result = resolve(item, outcome, now: clock.now())
        journal(result, destination: item.destination)
        results.append(result)
        if !flushScheduled {
            flushScheduled = true
            queue.async { self.flush() }
        }
    }

    /// Updates the health of `destination` from a send's outcome, a test's included: any answer
    /// clears it; a failure of the destination as a whole (`destinationFailed`) counts once per
    /// hold, holds its messages until the returned retry time and is shown in `status`.
    private func noteHealth(of destination: String, _ outcome: DeliveryOutcome, now: Date) -> Date? {
        guard case .destinationFailed(let error, let retryAfter) = outcome else {
            failing[destination] = nil
            return nil
        }
        var health =
            failing[destination]
            ?? DestinationHealth(destination: destination, since: now, failures: 0, lastError: error, retryAt: now)
        if let retryAt = health.retryAt, retryAt > now {
            // Sent before the destination was held: the failure is already counted.
        } else {
            health.failures += 1
            health.retryAt = now.addingTimeInterval(
                max(retry.delay(afterFailures: health.failures, random: random()), retryAfter ?? 0))
            logger.warning(
                "destination failing; holding its messages",
                metadata: [
                    "destination": "\(destination)", "failures": "\(health.failures)",
                    "retry_at": "\(health.retryAt.map(KoreaTime.iso8601) ?? "")", "error": "\(error)",
                ])
        }
        health.lastError = error
        failing[destination] = health
        return health.retryAt
    }

    private func resolve(_ item: ClaimedDelivery, _ outcome: DeliveryOutcome, now: Date) -> DeliveryResult {
        let delivery = item.delivery
        let destination = item.destination
        var result = DeliveryResult(
            delivery: delivery, subscription: item.subscription, outcome: outcome, newState: .failed,
            nextAttempt: nil, reason: nil, error: nil, finishedAt: now,
            targetSubscribedTwice: item.targetSubscribedTwice)
        let destinationRetryAt = noteHealth(of: destination, outcome, now: now)
        switch outcome {
        case .sent:
            result.newState = .sent
        case .retryable(let error, let retryAfter):
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
            result.error = error
        case .gone(let error):
            result.error = error
        case .destinationFailed(let error, _):
            let retryAt = destinationRetryAt ?? now
            if let deadline = delivery.deadline, retryAt >= deadline {
                result.newState = .skipped
                result.reason = .missed
                result.error = "destination failing until the concert started: \(error)"
            } else {
                result.newState = .retrying
                result.nextAttempt = retryAt
                result.error = error
            }
        }
        if item.subscription.channel.kind == "webhook" {
            noteWebhookHost(destination, deliveryID: delivery.id, outcome: outcome, now: now)
        }
        return result
    }

    /// Follows a webhook host's run of failures; logs when it starts or stops failing as a whole.
    private func noteWebhookHost(_ host: String, deliveryID: Int64, outcome: DeliveryOutcome, now: Date) {
        switch webhookHosts.note(host: host, deliveryID: deliveryID, outcome: outcome, now: now) {
        case .failing(let host, let run)?:
            logger.warning(
                "webhook host failing: several messages to it in a row got no answer or a retryable error",
                metadata: [
                    "destination": "\(host)", "failures": "\(run.failures)", "error": "\(run.lastError)",
                    "since": "\(KoreaTime.iso8601(run.since))",
                ])
            activityHandler?()
        case .recovered(let host, let run)?:
            logger.notice(
                "webhook host answering again",
                metadata: [
                    "destination": "\(host)", "failures": "\(run.failures)", "since": "\(KoreaTime.iso8601(run.since))",
                ])
            activityHandler?()
        case nil:
            break
        }
    }

    /// Logs one send's verdict once, at a level that keeps a fan-out out of the journal: a
    /// message sent at `debug`, one to be retried at `notice`, one that failed for good at
    /// `warning`; the summary line of `summarize` is at `info`.
    private func journal(_ result: DeliveryResult, destination: String?) {
        tally.add(result.newState)
        // A fan-out's sends: no metadata built unless it is written.
        if result.newState == .sent && logger.logLevel > .debug { return }
        let delivery = result.delivery
        var metadata: Logger.Metadata = [
            "delivery.id": "\(delivery.id)", "subscription.id": "\(result.subscription.id)",
            "kind": "\(delivery.kind.rawValue)", "attempt": "\(delivery.attempts)",
        ]
        if delivery.kind == .reminder { metadata["offset"] = "\(delivery.offset)" }
        if let destination { metadata["destination"] = "\(destination)" }
        switch result.newState {
        case .sent:
            metadata["reply"] = "\(result.outcome.detail)"
            logger.debug("sent", metadata: metadata)
        case .retrying:
            metadata["error"] = "\(result.error ?? "")"
            metadata["next_attempt"] = "\(result.nextAttempt.map(KoreaTime.iso8601) ?? "")"
            logger.notice("send failed; will retry", metadata: metadata)
        case .skipped:
            metadata["reason"] = "\(result.reason?.rawValue ?? "")"
            metadata["error"] = "\(result.error ?? "")"
            logger.notice("send failed; skipped", metadata: metadata)
        default:
            metadata["error"] = "\(result.error ?? "")"
            if case .gone = result.outcome {
                logger.warning("endpoint is gone; subscription disabled until concertctl resume", metadata: metadata)
            } else {
                logger.warning("delivery failed", metadata: metadata)
            }
        }
    }

    /// Counts the rows skipped when they came due and logs each at `notice`, as a send skipped by
    /// its verdict is: a duplicate of a message the channel already got, or a row of a paused,
    /// disabled or removed subscription. Rows whose concert had started are counted only; they
    /// come all at once after downtime and have their one `info` line.
    private func journalSkips(_ skips: [(Delivery, Delivery.SkipReason)], duplicates: [ClaimedDelivery]) {
        let stopped = skips.filter { $0.1 != .missed }
        for _ in 0..<(skips.count - stopped.count) { tally.add(.skipped) }
        let logged = stopped + duplicates.map { ($0.delivery, Delivery.SkipReason.duplicate) }
        for (delivery, reason) in logged {
            tally.add(.skipped)
            var metadata: Logger.Metadata = [
                "delivery.id": "\(delivery.id)", "subscription.id": "\(delivery.subscriptionID)",
                "kind": "\(delivery.kind.rawValue)", "reason": "\(reason.rawValue)",
            ]
            if delivery.kind == .reminder { metadata["offset"] = "\(delivery.offset)" }
            logger.notice(
                reason == .duplicate
                    ? "skipped: the same message already went to this channel"
                    : "skipped: the subscription is \(reason.rawValue)",
                metadata: metadata)
        }
    }

    /// Logs at `info` what the sends since the last drain came to, once nothing is in flight and
    /// nothing waits for a slot: one line per fan-out (or per lone reminder), and none while idle.
    private func summarize() {
        guard !tally.isEmpty else { return }
        logger.info(
            "sends finished",
            metadata: [
                "sent": "\(tally.sent)", "retrying": "\(tally.retrying)", "failed": "\(tally.failed)",
                "skipped": "\(tally.skipped)",
            ])
        tally = SendTally()
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

    /// Commits verdicts that no claim took along; on failure they stay in `unrecorded`. Returns
    /// whether rows that waited for them became due.
    @discardableResult
    private func recordUnrecorded() throws -> Bool {
        guard !unrecorded.isEmpty else { return false }
        let woken = try store { try database.record(unrecorded) }
        unrecorded.removeAll()
        return woken > 0
    }

    /// At stop: commits what it can. Verdicts that cannot be recorded leave their rows
    /// `sending`, and the next start sends them again.
    private func recordAtStop() {
        do {
            try recordUnrecorded()
        } catch {
            logger.error(
                "could not record delivery results at stop; they will be sent again at the next start",
                metadata: ["count": "\(unrecorded.count)", "error": "\(StoreFault.describe(error))"])
            unrecorded.removeAll()
        }
    }

    /// Arms the timer for the earliest pending row, or for the moment a failing destination may
    /// be tried again; disarms it when nothing is pending.
    private func arm(now: Date) throws {
        var next = try store { try database.nextDue(after: now) }
        for case let retryAt? in failing.values.map(\.retryAt) where retryAt > now {
            next = min(next ?? retryAt, retryAt)
        }
        armedFor = next
        timer.arm(at: next.map(clock.realDate(when:)))
    }

    /// Runs a call into the store, noting when it began for `liveness`: waiting for the
    /// database's writer (an import holds it for half a minute) is not being stuck.
    private func store<T>(_ body: () throws -> T) rethrows -> T {
        storeCallStarted.withLock { $0 = DispatchTime.now().uptimeNanoseconds }
        defer { storeCallStarted.withLock { $0 = 0 } }
        return try body()
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
    /// Set while the outbox cannot be read or written.
    public var storeFault: StoreFault?
}
