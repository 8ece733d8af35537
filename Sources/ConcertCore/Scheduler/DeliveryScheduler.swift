import Dispatch
import Foundation
import Logging
import Synchronization

/// Drives the outbox: arms one wall-clock timer for the earliest due row, claims due rows in
/// batches, hands them to their channel and records each verdict.
///
/// One pass of the claim loop (`sendDue`), run when the timer fires, when something changed
/// (`start`, `wake`, new channels) and once per round of verdicts: the catch-up (`CatchUp`, the
/// store's `supersedeStaleReminders`) → `claimBatch` (due rows read ahead into `ready`, the store's
/// `dueDeliveries`) → `claim` (one transaction: the records waiting are written and the rows taken
/// are marked `sending`, durable before any byte leaves) → `send` (its message from `messages`) →
/// `Channel.send` → and, when nothing more can be claimed, the records still waiting are written on
/// their own and the timer is armed (`arm`, the store's `nextDue`). The loop's return leg: a
/// channel's `Verdict` arrives on any thread (`VerdictInbox`), `takeVerdicts` takes a round of them
/// on the queue, `record` asks the policy for each row's record (`DeliveryPolicy`, a pure value),
/// the journal logs it (`DeliveryJournal`, which alone tells the metrics observer), the record
/// waits in `waitingRecords`, and the next pass writes it.
///
/// This file holds the timer, the claim loop and the in-flight book; `DeliveryScheduler+Control`
/// the scheduler's life, reload and test send, and what status and metrics read. The other books are types of their own, each in its file: the catch-up's bounds (`CatchUp`), the
/// rows read ahead (`ReadyDeliveries`), the sends in flight (`InFlightSends`), the messages and
/// what they are made of (`ClaimedMessages`), the verdicts arriving from any thread
/// (`VerdictInbox`), the records waiting to be written (`WaitingRecords`), what each verdict does
/// to its row and destination (`DeliveryPolicy`), the store's fault (`StoreFaultBackoff`), what the
/// journal and the metrics are told (`DeliveryJournal`), and what `liveness` reads from any thread
/// (`SchedulerQueueWatch`).
///
/// All state lives on `queue`, a serial queue; public methods hop onto it. With nothing due the
/// timer is disarmed and the scheduler causes no wake-ups at all.
public final class DeliveryScheduler: @unchecked Sendable {
    package let queue: DispatchQueue
    let store: any SendingStore
    let clock: any WallClock
    let timer: any SchedulerTimer
    let logger: Logger
    let random: @Sendable () -> Double

    // Everything below is confined to `queue`, but for the types meant to be read from any thread.
    /// Where the scheduler is in its life: passes run only while it is `running`.
    var phase = Phase.created
    var activityHandler: (@Sendable () -> Void)?

    // The timer.
    var armedFor: Date?
    var timerFires = 0

    // The claim loop.
    var channels: [String: any Channel]
    var limits: SendLimits
    /// How far the catch-up has run, and the bounds on what falls due next.
    private var catchUp = CatchUp()
    /// Due rows read ahead of their claim, queued by destination: a fan-out reads the outbox once per
    /// `readAhead` rows instead of once per round of verdicts. Emptied whenever the outbox changes
    /// under the scheduler (`wake`); a row whose state changed meanwhile fails its claim.
    private var ready = ReadyDeliveries()
    private static let readAhead = 512
    /// The messages of claimed rows, with the catalog and the concerts they are made from.
    var messages: ClaimedMessages
    /// The fault while the outbox cannot be read or written, and when to try it again.
    var storeFault = StoreFaultBackoff()
    /// The queue's store calls and liveness probe, read by `liveness` from any thread.
    let queueWatch = SchedulerQueueWatch()

    // The in-flight book.
    /// The sends handed to a channel whose verdict has not been taken yet.
    private var inFlightSends = InFlightSends()
    var inFlight: Int { inFlightSends.count }
    /// Verdicts handed over by the channels, from any thread, until the queue takes them.
    private let verdicts = VerdictInbox()
    /// Records of verdicts not yet written: the next claim writes them in its transaction.
    var waitingRecords = WaitingRecords()
    /// Called once nothing is in flight, for `shutdown`.
    var whenIdle: (() -> Void)?
    /// The gauges of `gauges`, written on the queue as they change.
    let publishedGauges = Mutex(SchedulerGauges())

    // The verdicts.
    /// What each verdict does to its row and its destination, and which destinations are held.
    var policy: DeliveryPolicy
    /// Logs each verdict, skip and hold, and one summary line per fan-out; tells the metrics observer.
    var journal: DeliveryJournal

    public init(
        store: any SendingStore, catalog: Catalog, channels: [String: any Channel], clock: any WallClock,
        limits: SendLimits = SendLimits(), retry: RetryPolicy = RetryPolicy(),
        queue: DispatchQueue = DispatchQueue(label: "concertd.scheduler"), timer: (any SchedulerTimer)? = nil,
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        observer: (any DeliveryObserver)? = nil, logger: Logger
    ) {
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

    /// One pass of the claim loop: claims and sends everything due, writing the records waiting,
    /// then arms the timer for what comes next.
    ///
    /// `firedFor` is the moment the timer was armed for: a shifted clock converted to real time
    /// and back may read a hair earlier when the timer fires, and that moment is due all the same.
    ///
    /// While the outbox cannot be written (`storeFault`), nothing is claimed before the retry
    /// time the timer is armed for: records stay in `waitingRecords`, and calls in between return at once.
    func sendDue(firedFor: Date? = nil) {
        guard phase == .running else {
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
            for next in waitingRecords.retryTimes { catchUp.mayFallDue(at: next) }
            var waiting = try claimAll(now: now)
            if try writeWaitingRecords() {
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
            try store.claim(toSend, skipping: skips, recording: waitingRecords.records, now: now)
        }
        waitingRecords.removeAll()
        journal.skips(skips, duplicates: duplicates)
        if let putOffUntil { catchUp.mayFallDue(at: putOffUntil) }
        if woke { catchUp.nothingDueOutside = nil }
        for item in sending {
            send(item) { [self] verdict in record(item, verdict) }
        }
        return (true, !ready.isEmpty)
    }

    /// Hands one claimed row to its channel; `onVerdict` runs on the queue with the verdict.
    func send(_ item: ClaimedDelivery, onVerdict: @escaping @Sendable (Verdict) -> Void) {
        let destination = item.destination
        inFlightSends.began(to: destination)
        publishedGauges.withLock { $0.inFlight = inFlight }
        let observed = journal.sendStarted(item) { clock.now() }
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

    /// Writes the records that no claim took along; on failure they stay waiting. Returns whether
    /// rows that waited for them became due.
    private func writeWaitingRecords() throws -> Bool {
        guard !waitingRecords.isEmpty else { return false }
        let woken = try timedStoreCall { try store.record(waitingRecords.records) }
        waitingRecords.removeAll()
        return woken > 0
    }

    /// At stop: writes what it can. Records that cannot be written leave their rows
    /// `sending`, and the next start sends them again.
    private func recordAtStop() {
        do {
            _ = try writeWaitingRecords()
        } catch {
            logger.error(
                "could not write delivery records at stop; those deliveries will be sent again at the next start",
                metadata: ["count": "\(waitingRecords.count)", "error": "\(StoreFault.describe(error))"])
            waitingRecords.removeAll()
        }
    }

    /// The outbox could not be read or written: keeps the records waiting, forgets the rows read
    /// ahead (they are read again), and arms the timer for the next try, backing off.
    private func storeFailed(_ error: any Error, now: Date) {
        ready.removeAll()
        catchUp.nothingDueOutside = nil
        let fault = storeFault.failed(StoreFault.describe(error), now: now)
        journal.storeFailed(fault, waitingRecords: waitingRecords.count)
        armedFor = fault.retryAt
        timer.arm(at: clock.realDate(when: fault.retryAt))
        activityHandler?()
    }

    /// A pass of the claim loop succeeded: ends the store's fault, if any.
    private func storeRecovered() {
        guard let fault = storeFault.recovered() else { return }
        journal.storeRecovered(fault)
        activityHandler?()
    }

    /// Drops cached concerts, shared message parts and rows read ahead, with the catch-up's bounds:
    /// the outbox, the concerts, the catalog or the channels changed.
    func forgetMessages() {
        messages.removeAll()
        ready.removeAll()
        catchUp.forgetBounds()
    }

    /// Runs a call into the store, noting when it began for `liveness`.
    func timedStoreCall<T>(_ body: () throws -> T) rethrows -> T {
        try queueWatch.timedStoreCall(body)
    }

    // MARK: - The in-flight book and the return leg

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

    /// A verdict arrived: the policy makes the row's record, the journal logs it, and it waits with
    /// those that arrive meanwhile for the next pass, which writes them in one transaction.
    private func record(_ item: ClaimedDelivery, _ verdict: Verdict) {
        guard phase != .stopped else { return }
        let recorded = policy.record(item, verdict, now: clock.now(), random: random)
        if journal.note(recorded.change) { activityHandler?() }
        journal.log(recorded.record, verdict: verdict, destination: item.destination)
        if waitingRecords.add(recorded.record) {
            queue.async { self.sendDueWithRecords() }
        }
    }

    /// The pass queued for the records that arrived, which writes them: in the transaction of the
    /// next claim when it finds rows to send, on their own otherwise.
    func sendDueWithRecords() {
        guard waitingRecords.passRuns() else { return }
        sendDue()
        activityHandler?()
    }

    /// Writes the gauges read by `gauges`: after sends start, verdicts arrive or holds are dropped.
    func publishGauges() {
        let gauges = SchedulerGauges(inFlight: inFlight, failingDestinations: policy.failingCount)
        publishedGauges.withLock { $0 = gauges }
    }
}
