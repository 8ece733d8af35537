import Foundation

/// What a verdict does to its row and to its destination: the retry and destination-health policy.
///
/// A value with no queue, store or clock: the scheduler owns one on its queue, asks it whether a
/// destination may be sent to, hands it each verdict, and logs and records what it returns
/// (`record`, in `DeliveryPolicy+Records.swift`).
/// A message that failed is retried after a backoff (`RetryPolicy`), at least as late as the
/// receiver asked, until it has used its attempts or the next one would come after its deadline.
/// A destination that failed as a whole (`destinationFailed`) is held: nothing is sent to it
/// until its own backoff ends, and its messages wait without spending their attempts. A webhook
/// host is never held; its runs of failures are followed for `status` (``WebhookHostFailures``).
struct DeliveryPolicy {
    var retry: RetryPolicy
    /// Destinations that failed as a whole, by name; those with a `retryAt` still ahead are held.
    private(set) var failing: [String: DestinationFailureRun] = [:]
    /// Webhook hosts whose sends keep failing: shown in `status`, not held.
    private(set) var webhookHosts = WebhookHostFailures()

    /// What a verdict changed beyond its row, for the journal.
    struct HealthChange {
        /// The destination, when the verdict started (or renewed) holding it.
        var held: DestinationFailureRun?
        /// The webhook host that started or stopped failing with the verdict.
        var webhookHost: WebhookHostFailures.Change?
    }

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

    /// Forgets every held destination's failures (the channels were replaced).
    mutating func forgetFailures() {
        failing.removeAll()
    }

    /// The destinations failing now, held or not, by name: for `status`.
    var failingDestinations: [DestinationFailureRun] {
        failing.values.sorted { $0.destination < $1.destination }
            + webhookHosts.failing.filter { failing[$0.destination] == nil }
    }

    /// How many destinations `failingDestinations` lists, without building it: for the gauges.
    var failingCount: Int {
        failing.count + webhookHosts.failingCount { failing[$0] != nil }
    }

    /// Notes a verdict on a send to `destination`, a test message's included: any answer clears
    /// its failures; a failure of the destination as a whole (`destinationFailed`) counts once per
    /// hold and holds it until the returned moment. `held` is set when this verdict started (or
    /// renewed) the hold. `random` is called only when a backoff is computed.
    mutating func noteHealth(
        of destination: String, _ verdict: Verdict, now: Date, random: () -> Double
    ) -> (retryAt: Date?, held: DestinationFailureRun?) {
        guard case .destinationFailed(let error, let retryAfter) = verdict else {
            failing[destination] = nil
            return (nil, nil)
        }
        var startedHolding = false
        var health =
            failing[destination]
            ?? DestinationFailureRun(destination: destination, since: now, failures: 0, lastError: error, retryAt: now)
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

    /// Notes a verdict on `item`'s send in its destination's health: the hold of ``noteHealth(of:_:now:random:)``
    /// and, for a webhook host, its run of failures.
    mutating func noteHealth(
        of item: ClaimedDelivery, _ verdict: Verdict, now: Date, random: () -> Double
    ) -> (retryAt: Date?, change: HealthChange) {
        let health = noteHealth(of: item.destination, verdict, now: now, random: random)
        var change = HealthChange(held: health.held)
        if item.subscription.channel.destinationIsSharedHost {
            change.webhookHost = webhookHosts.note(
                host: item.destination, deliveryID: item.delivery.id, verdict: verdict, now: now)
        }
        return (health.retryAt, change)
    }
}
