import Foundation

/// `concertctl test`: one message to a subscription now, outside the claim loop, recorded in the
/// outbox but never retried.
extension DeliveryScheduler {
    /// Sends a test message to a subscription now and reports the channel's verdict.
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
                    self.recordTest(claimed, verdict)
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
    private func recordTest(_ item: ClaimedDelivery, _ verdict: Verdict) {
        guard !stopped else { return }
        let recorded = policy.recordTest(item, verdict, now: clock.now(), random: random)
        journal.log(recorded.record, destination: item.destination)
        note(recorded.change)
        if storeFault.fault == nil {
            do {
                _ = try timedStoreCall { try store.record([recorded.record]) }
            } catch {
                unrecorded.append(recorded.record)
                storeFailed(error, now: clock.now())
                return
            }
        } else {
            unrecorded.append(recorded.record)
        }
        sendDue()
    }
}
