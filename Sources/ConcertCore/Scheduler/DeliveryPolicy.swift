import Foundation

/// What a verdict does to its row and to its destination: the retry and destination-health policy.
///
/// A value with no queue, store or clock: the scheduler owns one on its queue, asks it whether a
/// destination may be sent to, hands it each verdict, and logs and records what it returns.
/// A message that failed is retried after a backoff (`RetryPolicy`), at least as late as the
/// receiver asked, until it has used its attempts or the next one would come after its deadline.
/// A destination that failed as a whole (`destinationFailed`) is held: nothing is sent to it
/// until its own backoff ends, and its messages wait without spending their attempts.
struct DeliveryPolicy {
    var retry: RetryPolicy
    /// Destinations that failed as a whole, by name; those with a `retryAt` still ahead are held.
    private(set) var failing: [String: FailingDestination] = [:]

    init(retry: RetryPolicy) {
        self.retry = retry
    }

    /// Whether nothing may be sent to `destination` at `now`.
    func isHeld(_ destination: String, at now: Date) -> Bool {
        if let retryAt = failing[destination]?.retryAt, retryAt > now { return true }
        return false
    }

    /// The earliest moment after `now` at which a held destination may be tried again.
    func nextRelease(after now: Date) -> Date? {
        failing.values.compactMap(\.retryAt).filter { $0 > now }.min()
    }

    /// Forgets every destination's failures (the channels were replaced).
    mutating func forgetFailures() {
        failing.removeAll()
    }

    /// Notes a verdict on a send to `destination`, a test message's included: any answer clears
    /// its failures; a failure of the destination as a whole (`destinationFailed`) counts once per
    /// hold and holds it until the returned moment. `held` is set when this verdict started (or
    /// renewed) the hold. `random` is called only when a backoff is computed.
    mutating func noteHealth(
        of destination: String, _ verdict: Verdict, now: Date, random: () -> Double
    ) -> (retryAt: Date?, held: FailingDestination?) {
        guard case .destinationFailed(let error, let retryAfter) = verdict else {
            failing[destination] = nil
            return (nil, nil)
        }
        var startedHolding = false
        var health =
            failing[destination]
            ?? FailingDestination(destination: destination, since: now, failures: 0, lastError: error, retryAt: now)
        if let retryAt = health.retryAt, retryAt > now {
            // Sent before the destination was held: the failure is already counted.
        } else {
            health.failures += 1
            health.retryAt = now.addingTimeInterval(
                max(retry.delay(afterFailures: health.failures, random: random()), retryAfter ?? 0))
            startedHolding = true
        }
        health.lastError = error
        failing[destination] = health
        return (health.retryAt, startedHolding ? health : nil)
    }

    /// The row's next state after `verdict`, at `now`; `random` gives the backoff's jitter, a
    /// number in [0, 1), and is called only when a backoff is computed.
    /// `held` is the destination, when this verdict started (or renewed) holding it.
    mutating func record(
        _ item: ClaimedDelivery, _ verdict: Verdict, now: Date, random: () -> Double
    ) -> (record: DeliveryRecord, held: FailingDestination?) {
        let delivery = item.delivery
        var record = DeliveryRecord(
            delivery: delivery, subscription: item.subscription, verdict: verdict, newState: .failed,
            nextAttempt: nil, reason: nil, error: nil, finishedAt: now,
            targetSubscribedTwice: item.targetSubscribedTwice)
        let health = noteHealth(of: item.destination, verdict, now: now, random: random)
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
        return (record, health.held)
    }
}
