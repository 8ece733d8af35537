import Foundation

/// The verdict records: each verdict becomes its row's record (``DeliveryPolicy``), waits in
/// `unrecorded` with those that arrive meanwhile, and is written with the next claim or on its own.
extension DeliveryScheduler {
    /// A verdict arrived: records the row's next state, and queues the record with all those
    /// that arrive meanwhile, to be written in one transaction.
    func record(_ item: ClaimedDelivery, _ verdict: Verdict) {
        guard !stopped else { return }
        let recorded = policy.record(item, verdict, now: clock.now(), random: random)
        note(recorded.change)
        journal.log(recorded.record, destination: item.destination)
        unrecorded.append(recorded.record)
        if !recordQueued {
            recordQueued = true
            queue.async { self.sendDueWithRecords() }
        }
    }

    /// Runs `sendDue` for the records that arrived, which writes them: in the transaction of the
    /// next claim when it finds rows to send, on their own otherwise.
    func sendDueWithRecords() {
        recordQueued = false
        guard !unrecorded.isEmpty else { return }
        sendDue()
        activityHandler?()
    }

    /// Writes the records that no claim took along; on failure they stay in `unrecorded`. Returns
    /// whether rows that waited for them became due.
    @discardableResult
    func recordUnrecorded() throws -> Bool {
        guard !unrecorded.isEmpty else { return false }
        let woken = try timedStoreCall { try store.record(unrecorded) }
        unrecorded.removeAll()
        return woken > 0
    }

    /// At stop: writes what it can. Records that cannot be written leave their rows
    /// `sending`, and the next start sends them again.
    func recordAtStop() {
        do {
            try recordUnrecorded()
        } catch {
            logger.error(
                "could not write delivery records at stop; those deliveries will be sent again at the next start",
                metadata: ["count": "\(unrecorded.count)", "error": "\(StoreFault.describe(error))"])
            unrecorded.removeAll()
        }
    }

    /// Tells the journal of a hold a verdict started and of a webhook host that started or stopped
    /// failing as a whole.
    func note(_ change: DeliveryPolicy.HealthChange) {
        if let held = change.held { journal.hold(held) }
        if let host = change.webhookHost {
            journal.webhookHost(host)
            activityHandler?()
        }
    }
}
