import Dispatch
import Foundation
import Logging
import Synchronization

/// Drives the outbox: arms one wall-clock timer for the earliest due row, claims due rows in
/// batches, hands them to their channel and records each verdict.
///
/// The path of a reminder: `timerFired()` (or something changed: `start`, `wake`, new channels) →
/// `sendDue` → the catch-up (`CatchUp`, the store's `supersedeStaleReminders`) → `claimBatch`
/// (due rows read ahead into `ready`) → `claim` (durable before any byte leaves; writes the
/// records that arrived meanwhile in the same transaction) → `send` (its message from `messages`)
/// → `Channel.send` → `Verdict` → `takeVerdicts` → `record` (a `DeliveryRecord`) →
/// `sendDueWithRecords()` → `sendDue()` again (the records go with the next claim, or on their
/// own) → `arm()`.
///
/// The books it keeps on the way are types of their own: the catch-up's bounds (`CatchUp`), the
/// rows read ahead (`ReadyDeliveries`), the sends in flight (`InFlightSends`), the messages and
/// what they are made of (`ClaimedMessages`), the verdicts arriving from any thread
/// (`VerdictInbox`), what each verdict does to its row and destination (`DeliveryPolicy`,
/// `WebhookHostFailures`), the store's fault (`StoreFaultBackoff`) and what the journal is told
/// (`DeliveryJournal`).
///
/// All state lives on `queue`, a serial queue; public methods hop onto it. With nothing due the
/// timer is disarmed and the scheduler causes no wake-ups at all.
public final class DeliveryScheduler: @unchecked Sendable {
    package let queue: DispatchQueue
    private let store: any SendingStore
    private let clock: any WallClock
    private let timer: any SchedulerTimer
    private let logger: Logger
    private let random: @Sendable () -> Double

    // Everything below is confined to `queue`, but for the types meant to be read from any thread.
    private var started = false
    private var stopping = false
    /// Set when `shutdown` has returned: verdicts arriving later (a transfer aborted as the
    /// transport stops) are not recorded; their rows stay `sending` and the next start sends them again.
    private var stopped = false
    private var activityHandler: (@Sendable () -> Void)?

    // The timer.
    private var armedFor: Date?
    private var timerFires = 0

    // The claim loop.
    private var channels: [String: any Channel]
    private var limits: SendLimits
    /// How far the catch-up has run, and the bounds on what falls due next.
    private var catchUp = CatchUp()
    /// Due rows read ahead of their claim, queued by destination: a fan-out reads the outbox once per
    /// `readAhead` rows instead of once per round of verdicts. Emptied whenever the outbox changes
    /// under the scheduler (`wake`); a row whose state changed meanwhile fails its claim.
    private var ready = ReadyDeliveries()
    private static let readAhead = 512
    /// The messages of claimed rows, with the catalog and the concerts they are made from.
    private var messages: ClaimedMessages
    /// The fault while the outbox cannot be read or written, and when to try it again.
    private var storeFault = StoreFaultBackoff()
    /// The queue's store calls and liveness probe, read by `liveness` from any thread.
    let queueWatch = SchedulerQueueWatch()

    // The in-flight books.
    /// The sends handed to a channel whose verdict has not been taken yet.
    private var inFlightSends = InFlightSends()
    private var inFlight: Int { inFlightSends.count }
    /// Verdicts handed over by the channels, from any thread, until the queue takes them.
    private let verdicts = VerdictInbox()
    /// Records of verdicts not yet written: the next claim writes them in its transaction.
    private var unrecorded: [DeliveryRecord] = []
    /// Set while a `sendDueWithRecords()` is queued.
    private var recordQueued = false
    /// Called once nothing is in flight, for `shutdown`.
    private var whenIdle: (() -> Void)?
    /// The gauges of `gauges`, written on the queue as they change.
    private let publishedGauges = Mutex(Gauges())

    // The verdicts.
    /// What each verdict does to its row and its destination, and which destinations are held.
    private var policy: DeliveryPolicy
    /// Webhook hosts whose sends keep failing: shown in `status`, not held.
    private var webhookHosts = WebhookHostFailures()
    /// Logs each verdict, skip and hold, and one summary line per fan-out.
    private var journal: DeliveryJournal
    /// Told of each send, verdict and final state, for metrics.
    private let observer: (any DeliveryObserver)?

    /// Sends in flight and failing destinations, readable from any thread without a hop onto the
    /// queue (a scrape must not wait behind a long store call).
    public var gauges: Gauges { publishedGauges.withLock { $0 } }

    public init(
        store: any SendingStore, catalog: Catalog, channels: [String: any Channel], clock: any WallClock,
        limits: SendLimits = SendLimits(), retry: RetryPolicy = RetryPolicy(),
        queue: DispatchQueue = DispatchQueue(label: "concertd.scheduler"), timer: (any SchedulerTimer)? = nil,
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        observer: (any DeliveryObserver)? = nil, logger: Logger
    ) {
        self.observer = observer
        self.journal = DeliveryJournal(logger: logger, observer: observer)
        self.store = store
        self.messages = ClaimedMessages(catalog: catalog)
        self.channels = channels
        self.clock = clock
        self.limits = limits
        self.policy = DeliveryPolicy(retry: retry)
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
            let recovered = try timedStoreCall { try store.recoverInterruptedSends(now: clock.now()) }
            if recovered > 0 {
                logger.warning(
                    "re-sending deliveries interrupted by the last stop (at-least-once)",
                    metadata: ["count": "\(recovered)"])
            }
            started = true
            sendDue()
            return recovered
        }
    }

    /// Called after the scheduler has written records, on its queue: for a status line that
    /// follows the work without polling.
    public func onActivity(_ handler: @escaping @Sendable () -> Void) {
        queue.async { self.activityHandler = handler }
    }

    /// Something changed in the database (a subscription, a concert, a retry): re-plan now.
    public func wake() {
        queue.async {
            self.forgetMessages()
            self.sendDue()
        }
    }

    /// Replaces the catalog (cities and info URL used in messages) after a reload.
    public func update(catalog: Catalog) {
        queue.async {
            self.messages.catalog = catalog
            self.forgetMessages()
        }
    }

    /// Replaces channels and limits after a reload; sends in flight finish on the old channels.
    public func update(channels: [String: any Channel], limits: SendLimits, retry: RetryPolicy) {
        queue.async {
            self.channels = channels
            self.limits = limits
            self.policy.retry = retry
            self.policy.forgetFailures()
            self.publishGauges()
            self.forgetMessages()
            self.sendDue()
        }
    }

    /// Stops taking new sends, waits up to `grace` seconds for those in flight, records every
    /// verdict that arrived, and returns how many sends were still in flight (they stay
    /// `sending` and are sent again at the next start). Call from any thread but the queue.
    @discardableResult
    public func shutdown(grace: TimeInterval) -> Int {
        let idleSignal = DispatchSemaphore(value: 0)
        let idle = queue.sync { () -> Bool in
            stopping = true
            timer.arm(at: nil)
            if inFlight == 0 { return true }
            whenIdle = { idleSignal.signal() }
            return false
        }
        if !idle { _ = idleSignal.wait(timeout: .now() + grace) }
        return queue.sync {
            whenIdle = nil
            sendDueWithRecords()
            stopped = true
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
                failingDestinations: policy.failing.values.sorted { $0.destination < $1.destination }
                    + webhookHosts.failing.filter { policy.failing[$0.destination] == nil },
                timerArmedFor: armedFor, timerFires: timerFires, storeFault: storeFault.fault)
        }
    }

    /// Sends a test message to a subscription now and reports the channel's verdict. The test
    /// message is recorded in the outbox but never retried.
    ///
    /// The verdict is reported once it is recorded, or, when the outbox cannot be written, kept
    /// with the other verdicts waiting for the store (`status` shows the fault): the message went.
    public func sendTest(
        subscriptionID: String, completion: @escaping @Sendable (Result<Verdict, any Error>) -> Void
    ) {
        queue.async {
            do {
                let claimed = try self.timedStoreCall {
                    try self.store.createTestDelivery(subscriptionID: subscriptionID, now: self.clock.now())
                }
                self.send(claimed) { verdict in
                    let now = self.clock.now()
                    let state: Delivery.State = if case .sent = verdict { .sent } else { .failed }
                    let record = DeliveryRecord(
                        delivery: claimed.delivery, subscription: claimed.subscription, verdict: verdict,
                        newState: state, nextAttempt: nil, reason: nil,
                        error: state == .sent ? nil : verdict.detail, finishedAt: now)
                    self.recordTest(record, destination: claimed.destination)
                    completion(.success(verdict))
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
    private func recordTest(_ record: DeliveryRecord, destination: String) {
        guard !stopped else { return }
        journal.log(record, destination: destination)
        noteHealth(of: destination, record.verdict, now: record.finishedAt)
        if record.subscription.channel.destinationIsSharedHost {
            noteWebhookHost(
                destination, deliveryID: record.delivery.id, verdict: record.verdict, now: record.finishedAt)
        }
        if storeFault.fault == nil {
            do {
                _ = try timedStoreCall { try store.record([record]) }
            } catch {
                unrecorded.append(record)
                storeFailed(error, now: clock.now())
                return
            }
        } else {
            unrecorded.append(record)
        }
        sendDue()
    }

    // MARK: - The timer

    private func timerFired() {
        timerFires += 1
        let firedFor = armedFor
        armedFor = nil
        sendDue(firedFor: firedFor)
    }

    /// Arms the timer for the earliest pending row, or for the moment a failing destination may
    /// be tried again; disarms it when nothing is pending.
    private func arm(now: Date) throws {
        var next = try timedStoreCall { try store.nextDue(after: now) }
        if let next { catchUp.storeSaysDue(at: next) }
        if let release = policy.nextRelease(after: now) { next = min(next ?? release, release) }
        armedFor = next
        timer.arm(at: next.map(clock.realDate(when:)))
    }

    /// Makes sure the timer fires no later than `moment` (a lower bound of what falls due next)
    /// without looking up the next due row; one already armed earlier is left alone. A moment
    /// already past is looked up after all.
    private func arm(noLaterThan moment: Date, now: Date) throws {
        guard moment > now else { return try arm(now: now) }
        guard moment < .distantFuture, moment < armedFor ?? .distantFuture else { return }
        armedFor = moment
        timer.arm(at: clock.realDate(when: moment))
    }

    // MARK: - The claim loop

    /// Claims and sends everything due, then arms the timer for what comes next.
    ///
    /// `firedFor` is the moment the timer was armed for: a shifted clock converted to real time
    /// and back may read a hair earlier when the timer fires, and that moment is due all the same.
    ///
    /// While the outbox cannot be written (`storeFault`), nothing is claimed before the retry
    /// time the timer is armed for: records wait in `unrecorded`, and calls in between return at once.
    private func sendDue(firedFor: Date? = nil) {
        guard started, !stopping else {
            recordAtStop()
            return
        }
        let now = max(clock.now(), firedFor ?? .distantPast)
        if let fault = storeFault.fault {
            if now < fault.retryAt { return }
            catchUp.runNextTime()
        }
        do {
            if catchUp.isDue(at: now) {
                let (superseded, nextDue) = try timedStoreCall {
                    try store.supersedeStaleReminders(after: catchUp.caughtUpTo, upTo: now)
                }
                if superseded > 0 {
                    logger.info("skipped reminders superseded by a later one", metadata: ["count": "\(superseded)"])
                }
                catchUp.ran(upTo: now, nextDue: nextDue)
            }
            for record in unrecorded where record.newState == .retrying {
                if let next = record.nextAttempt { catchUp.mayFallDue(at: next) }
            }
            var waiting = try claimAll(now: now)
            if try recordUnrecorded() {
                // Rows that waited for these verdicts are due: claim them too.
                catchUp.nothingDueOutside = nil
                waiting = try claimAll(now: now)
            }
            // While due rows wait for a free slot, the verdicts of the sends in flight call this again:
            // the next due row need not be looked up for each of them. A row of another destination
            // may fall due before the next verdict comes, though: the timer stays armed for it.
            if waiting && inFlight > 0 {
                try arm(
                    noLaterThan: min(catchUp.nothingDueBefore, policy.nextRelease(after: now) ?? .distantFuture),
                    now: now)
            } else {
                try arm(now: now)
            }
            storeRecovered()
            if inFlight == 0 && ready.isEmpty { journal.summarize() }
        } catch {
            storeFailed(error, now: now)
        }
    }

    /// The outbox could not be read or written: keeps the records not yet written, forgets the
    /// rows read ahead (they are read again), and arms the timer for the next try, backing off.
    private func storeFailed(_ error: any Error, now: Date) {
        ready.removeAll()
        catchUp.nothingDueOutside = nil
        let message = StoreFault.describe(error)
        let fault = storeFault.failed(message, now: now)
        logger.error(
            "the outbox could not be read or written; nothing is sent until it can, records are kept",
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
        guard let fault = storeFault.recovered() else { return }
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
        if policy.isHeld(destination, at: now) { return false }
        return counts[destination, default: 0] < limits.maximumPerDestination
    }

    /// Claims one batch of due rows. Returns whether it claimed or skipped any (another batch may
    /// follow) and whether due rows are left waiting for a free slot.
    private func claimBatch(now: Date) throws -> (progress: Bool, waiting: Bool) {
        let capacity = limits.maximumInFlight - inFlight
        guard capacity > 0 else { return (false, !ready.isEmpty) }
        var perDestination = inFlightSends.byDestination
        if !ready.destinations.contains(where: { hasRoom(for: $0, now: now, counts: perDestination) }) {
            // Every row in `ready` waits for a busy or failing destination: read the rows of the others.
            if let exhausted = catchUp.nothingDueOutside {
                let waiting = Set(ready.destinations)
                let freed = exhausted.contains {
                    hasRoom(for: $0, now: now, counts: perDestination) && !waiting.contains($0)
                }
                if !freed { return (false, !ready.isEmpty) }
            }
            // Only a failing destination or one with sends in flight can lack room.
            let excluded = Set(policy.failing.keys).union(inFlightSends.byDestination.keys).filter {
                !hasRoom(for: $0, now: now, counts: perDestination)
            }
            let due = try timedStoreCall {
                try store.dueDeliveries(now: now, limit: max(capacity, Self.readAhead), excluding: excluded)
            }
            guard !due.isEmpty else {
                catchUp.nothingDueOutside = excluded
                return (false, !ready.isEmpty)
            }
            catchUp.nothingDueOutside = nil
            // The rows read are of other destinations than those in `ready`: no row is held twice.
            ready.append(due)
        }
        let (toSend, skips) = ready.takeRounds(upTo: capacity, now: now, perDestination: &perDestination) {
            hasRoom(for: $0, now: now, counts: $1)
        }
        if !skips.isEmpty {
            let missed = skips.filter { $0.1 == .missed }.count
            if missed > 0 {
                logger.info("skipped messages whose concert had already started", metadata: ["count": "\(missed)"])
            }
        }
        guard !toSend.isEmpty || !skips.isEmpty else { return (false, !ready.isEmpty) }
        let (sending, putOffUntil, woke, duplicates) = try timedStoreCall {
            try store.claim(toSend, skipping: skips, recording: unrecorded, now: now)
        }
        unrecorded.removeAll()
        journal.skips(skips, duplicates: duplicates)
        if let putOffUntil { catchUp.mayFallDue(at: putOffUntil) }
        if woke { catchUp.nothingDueOutside = nil }
        for item in sending {
            send(item) { [self] verdict in record(item, verdict) }
        }
        return (true, !ready.isEmpty)
    }

    /// Hands one claimed row to its channel; `onVerdict` runs on the queue with the verdict.
    private func send(_ item: ClaimedDelivery, onVerdict: @escaping @Sendable (Verdict) -> Void) {
        let destination = item.destination
        inFlightSends.began(to: destination)
        publishedGauges.withLock { $0.inFlight = inFlight }
        let observed = ObservedSend(
            item, channel: item.subscription.channel.metricsName, observer: observer, now: { clock.now() })
        let verdictArrived: @Sendable (Verdict) -> Void = { [self] verdict in
            observed?.ended(verdict)
            if verdicts.add(VerdictInbox.Entry(destination: destination, verdict: verdict, onVerdict: onVerdict)) {
                queue.async { self.takeVerdicts() }
            }
        }
        guard let channel = channels[item.subscription.channel.channelKind] else {
            let address = item.subscription.channel
            verdictArrived(
                .destinationFailed(
                    error: "no \(address.channelKind) channel is configured (\(address.unconfiguredChannelAdvice))",
                    retryAfter: nil))
            return
        }
        do {
            let message = try messages.message(for: item, clock: clock) { id in
                try timedStoreCall { try store.concert(id: id) }
            }
            channel.send(message, completion: verdictArrived)
        } catch  where StoreFault.isEngineError(error) {
            verdictArrived(
                .retryable(error: "the concert could not be read: \(StoreFault.describe(error))", retryAfter: nil))
        } catch {
            verdictArrived(.permanent(error: "the message could not be built: \(error)"))
        }
    }

    /// Drops cached concerts and shared message parts: the concerts, the catalog or the channels changed.
    private func forgetMessages() {
        messages.removeAll()
        ready.removeAll()
        catchUp.forgetBounds()
    }

    /// Runs a call into the store, noting when it began for `liveness`.
    private func timedStoreCall<T>(_ body: () throws -> T) rethrows -> T {
        try queueWatch.timedStoreCall(body)
    }

    // MARK: - The in-flight books

    /// Takes every verdict that arrived since the last call: one hop onto the queue per round of
    /// verdicts, not one per send.
    private func takeVerdicts() {
        for entry in verdicts.takeAll() {
            inFlightSends.ended(to: entry.destination)
            entry.onVerdict(entry.verdict)
        }
        publishGauges()
        if inFlight == 0, let whenIdle {
            self.whenIdle = nil
            whenIdle()
        }
    }

    /// Writes the gauges read by `gauges`: after sends start, verdicts arrive or holds are dropped.
    private func publishGauges() {
        let failing = policy.failing.count + webhookHosts.failingCount { policy.failing[$0] != nil }
        let gauges = Gauges(inFlight: inFlight, failingDestinations: failing)
        publishedGauges.withLock { $0 = gauges }
    }

    /// A verdict arrived: records the row's next state, and queues the record with all those
    /// that arrive meanwhile, to be written in one transaction.
    private func record(_ item: ClaimedDelivery, _ verdict: Verdict) {
        guard !stopped else { return }
        let record = makeRecord(of: item, verdict, now: clock.now())
        journal.log(record, destination: item.destination)
        unrecorded.append(record)
        if !recordQueued {
            recordQueued = true
            queue.async { self.sendDueWithRecords() }
        }
    }

    /// Runs `sendDue` for the records that arrived, which writes them: in the transaction of the
    /// next claim when it finds rows to send, on their own otherwise.
    private func sendDueWithRecords() {
        recordQueued = false
        guard !unrecorded.isEmpty else { return }
        sendDue()
        activityHandler?()
    }

    /// Writes the records that no claim took along; on failure they stay in `unrecorded`. Returns
    /// whether rows that waited for them became due.
    @discardableResult
    private func recordUnrecorded() throws -> Bool {
        guard !unrecorded.isEmpty else { return false }
        let woken = try timedStoreCall { try store.record(unrecorded) }
        unrecorded.removeAll()
        return woken > 0
    }

    /// At stop: writes what it can. Records that cannot be written leave their rows
    /// `sending`, and the next start sends them again.
    private func recordAtStop() {
        do {
            try recordUnrecorded()
        } catch {
            logger.error(
                "could not write delivery records at stop; those deliveries will be sent again at the next start",
                metadata: ["count": "\(unrecorded.count)", "error": "\(StoreFault.describe(error))"])
            unrecorded.removeAll()
        }
    }

    // MARK: - The verdicts

    /// The record `policy` makes of `verdict`; logs a hold it starts and follows a webhook host's failures.
    private func makeRecord(of item: ClaimedDelivery, _ verdict: Verdict, now: Date) -> DeliveryRecord {
        let recorded = policy.record(item, verdict, now: now, random: random)
        if let held = recorded.held { journal.hold(held) }
        if item.subscription.channel.destinationIsSharedHost {
            noteWebhookHost(item.destination, deliveryID: item.delivery.id, verdict: verdict, now: now)
        }
        return recorded.record
    }

    /// Notes a verdict that records no row here (a test message's) in its destination's health.
    private func noteHealth(of destination: String, _ verdict: Verdict, now: Date) {
        if let held = policy.noteHealth(of: destination, verdict, now: now, random: random).held { journal.hold(held) }
    }

    /// Follows a webhook host's run of failures; says so when it starts or stops failing as a whole.
    private func noteWebhookHost(_ host: String, deliveryID: Int64, verdict: Verdict, now: Date) {
        guard let change = webhookHosts.note(host: host, deliveryID: deliveryID, verdict: verdict, now: now) else {
            return
        }
        journal.webhookHost(change)
        activityHandler?()
    }
}
