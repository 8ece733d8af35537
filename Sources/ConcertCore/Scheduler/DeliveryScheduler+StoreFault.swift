import Foundation

/// While the outbox cannot be read or written (``StoreFaultBackoff``): nothing is claimed, the
/// records wait in `unrecorded`, and the timer is armed for the next try.
extension DeliveryScheduler {
    /// The outbox could not be read or written: keeps the records not yet written, forgets the
    /// rows read ahead (they are read again), and arms the timer for the next try, backing off.
    func storeFailed(_ error: any Error, now: Date) {
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
    func storeRecovered() {
        guard let fault = storeFault.recovered() else { return }
        logger.notice(
            "the outbox can be written again",
            metadata: ["failures": "\(fault.failures)", "since": "\(KoreaTime.iso8601(fault.since))"])
        activityHandler?()
    }
}
