import Dispatch
import Foundation

/// The scheduler's control: its life (`start`, `shutdown`), what changes it (`wake`, a reload's
/// `update`s), the test send of `concertctl test`, and what `status`, `/metrics` and the watchdog
/// read.
extension DeliveryScheduler {
    /// Where a scheduler is in its life.
    enum Phase {
        /// Made, not started: nothing is sent.
        case created
        /// Started: passes of the claim loop run.
        case running
        /// `shutdown` was called: no new send; the sends in flight finish and their verdicts are
        /// recorded.
        case stopping
        /// `shutdown` has returned: verdicts arriving later (a transfer aborted as the transport
        /// stops) are not recorded; their rows stay `sending` and the next start sends them again.
        case stopped
    }

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
            if phase == .created { phase = .running }
            sendDue()
            return recovered
        }
    }

    /// Stops taking new sends, waits up to `grace` seconds for those in flight, records every
    /// verdict that arrived, and returns how many sends were still in flight (they stay
    /// `sending` and are sent again at the next start). Call from any thread but the queue.
    @discardableResult
    public func shutdown(grace: TimeInterval) -> Int {
        let idleSignal = DispatchSemaphore(value: 0)
        let idle = queue.sync { () -> Bool in
            phase = .stopping
            timer.arm(at: nil)
            if inFlight == 0 { return true }
            whenIdle = { idleSignal.signal() }
            return false
        }
        if !idle { _ = idleSignal.wait(timeout: .now() + grace) }
        return queue.sync {
            whenIdle = nil
            sendDueWithRecords()
            phase = .stopped
            if inFlight > 0 {
                logger.warning(
                    "stopping with sends in flight; they will be sent again at the next start",
                    metadata: ["count": "\(inFlight)"])
            }
            return inFlight
        }
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

    /// Sends a test message (`concertctl test`) to a subscription now, outside the claim loop, and
    /// reports the channel's verdict. Recorded in the outbox but never retried; it counts towards
    /// its destination's health (the smarthost's, a webhook host's) like any other send.
    ///
    /// The verdict is reported once the pass that writes its record has run: written, or, when the
    /// outbox cannot be written, kept with the other records waiting (`status` shows the fault).
    public func sendTest(
        subscriptionID: String, completion: @escaping @Sendable (Result<Verdict, any Error>) -> Void
    ) {
        queue.async {
            do {
                let claimed = try self.timedStoreCall {
                    try self.store.createTestDelivery(subscriptionID: subscriptionID, now: self.clock.now())
                }
                self.send(claimed) { verdict in
                    self.recordTest(claimed, verdict)
                    completion(.success(verdict))
                }
            } catch {
                completion(.failure(error))
            }
        }
    }

    /// A test message's verdict: its record is written by a pass run now (its reply waits for it),
    /// which also claims what waited for the slot it held.
    private func recordTest(_ item: ClaimedDelivery, _ verdict: Verdict) {
        guard phase != .stopped else { return }
        let recorded = policy.recordTest(item, verdict, now: clock.now(), random: random)
        journal.log(recorded.record, verdict: verdict, destination: item.destination)
        if journal.note(recorded.change) { activityHandler?() }
        waitingRecords.addForThisPass(recorded.record)
        sendDue()
    }

    /// What the scheduler is doing, for `status`.
    public func status() -> SchedulerStatus {
        queue.sync {
            SchedulerStatus(
                now: clock.now(), clockShifted: clock.isShifted, inFlight: inFlight,
                failingDestinations: policy.failingDestinations,
                timerArmedFor: armedFor, timerFires: timerFires, storeFault: storeFault.fault)
        }
    }

    /// Called after the scheduler has written records, on its queue: for a status line that
    /// follows the work without polling.
    public func onActivity(_ handler: @escaping @Sendable () -> Void) {
        queue.async { self.activityHandler = handler }
    }

    /// Sends in flight and failing destinations, readable from any thread without a hop onto the
    /// queue (a scrape must not wait behind a long store call).
    public var gauges: SchedulerGauges { publishedGauges.withLock { $0 } }

    /// Whether the scheduler's queue runs a no-op within `timeout` (the watchdog's condition).
    public func liveness(timeout: Duration) -> SchedulerLiveness {
        queueWatch.liveness(of: queue, timeout: timeout)
    }
}
