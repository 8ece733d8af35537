import Foundation

extension DeliveryPolicy {
    /// The row's next state after `verdict`, at `now`, as the store records it; `random` gives the
    /// backoff's jitter, a number in [0, 1), and is called only when a backoff is computed.
    /// `change` is what the verdict did to its destination's health.
    mutating func record(
        _ item: ClaimedDelivery, _ verdict: Verdict, now: Date, random: () -> Double
    ) -> (record: DeliveryRecord, change: HealthChange) {
        let delivery = item.delivery
        var record = DeliveryRecord(
            delivery: delivery, subscription: item.subscription, outcome: AttemptOutcome(verdict), newState: .failed,
            nextAttempt: nil, reason: nil, error: nil, finishedAt: now,
            disablesSubscription: Self.disabling(after: verdict), targetSubscribedTwice: item.targetSubscribedTwice)
        let health = noteHealth(of: item, verdict, now: now, random: random)
        switch verdict {
        case .sent:
            record.newState = .sent
        case .retryable(let error, let retryAfter):
            let next = now.addingTimeInterval(
                max(retry.delay(afterFailures: delivery.attempts, random: random()), retryAfter ?? 0))
            if delivery.attempts >= retry.maximumAttempts {
                record.error = "\(error) (gave up after \(delivery.attempts) attempts)"
            } else if let deadline = delivery.deadline, next >= deadline {
                record.error = "\(error) (no time for another attempt before the concert starts)"
            } else {
                record.newState = .retrying
                record.nextAttempt = next
                record.error = error
            }
        case .permanent(let error), .gone(let error):
            record.error = error
        case .destinationFailed(let error, _):
            let retryAt = health.retryAt ?? now
            if let deadline = delivery.deadline, retryAt >= deadline {
                record.newState = .skipped
                record.reason = .missed
                record.error = "destination failing until the concert started: \(error)"
            } else {
                record.newState = .retrying
                record.nextAttempt = retryAt
                record.error = error
            }
        }
        return (record, health.change)
    }

    /// The record of a test message's `verdict` (`concertctl test`): `sent` or `failed`, never
    /// retried. It counts towards its destination's health like any other send.
    mutating func recordTest(
        _ item: ClaimedDelivery, _ verdict: Verdict, now: Date, random: () -> Double
    ) -> (record: DeliveryRecord, change: HealthChange) {
        let change = noteHealth(of: item, verdict, now: now, random: random).change
        let state: Delivery.State = if case .sent = verdict { .sent } else { .failed }
        let record = DeliveryRecord(
            delivery: item.delivery, subscription: item.subscription, outcome: AttemptOutcome(verdict), newState: state,
            nextAttempt: nil, reason: nil, error: state == .sent ? nil : verdict.detail, finishedAt: now,
            disablesSubscription: Self.disabling(after: verdict))
        return (record, change)
    }

    /// The reason the subscription is disabled after `verdict`: only a gone endpoint (HTTP 410)
    /// disables it, a test message's included.
    private static func disabling(after verdict: Verdict) -> String? {
        guard case .gone(let error) = verdict else { return nil }
        return "the endpoint answered 410 Gone: \(error)"
    }
}

extension AttemptOutcome {
    /// The attempt's outcome as the store writes it: the verdict's stable name and its text.
    package init(_ verdict: Verdict) {
        self.init(name: verdict.name, detail: verdict.detail)
    }
}
