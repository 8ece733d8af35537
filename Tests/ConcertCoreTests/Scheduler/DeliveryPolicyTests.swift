import Foundation
import Testing

@testable import ConcertCore

/// The retry and destination-health policy on its own: verdicts in, next states out, no queue,
/// store or clock.
@Suite struct DeliveryPolicyTests {
    let now = Date(timeIntervalSince1970: 1_700_000_000)
    /// A jitter of 0.5 makes every backoff three quarters of its base.
    let jitter: () -> Double = { 0.5 }

    /// A claimed reminder to `destination` that has been tried `attempts` times.
    func claimed(attempts: Int = 1, deadline: Date? = nil, destination: String = "hooks.example") -> ClaimedDelivery {
        let sample = OutboundMessage.sample(url: "https://\(destination)/hook")
        var item = ClaimedDelivery(
            PendingDelivery(delivery: sample.delivery, subscription: sample.subscription), claimedAs: sample.delivery)
        item.delivery.attempts = attempts
        item.delivery.deadline = deadline
        return item
    }

    @Test func aSentMessageIsSentAndClearsItsDestinationsFailures() {
        var policy = DeliveryPolicy(retry: RetryPolicy())
        _ = policy.record(claimed(), .destinationFailed(error: "refused", retryAfter: nil), now: now, random: jitter)
        #expect(policy.isHeld("hooks.example", at: now))
        let recorded = policy.record(claimed(), .sent(detail: "HTTP 204"), now: now, random: jitter)
        #expect(recorded.record.newState == .sent)
        #expect(recorded.record.error == nil)
        #expect(!policy.isHeld("hooks.example", at: now))
        #expect(policy.failing.isEmpty)
    }

    @Test func aRetryableFailureIsRetriedAfterTheBackoff() {
        var policy = DeliveryPolicy(retry: RetryPolicy(initialDelay: 30, maximumDelay: 3600, maximumAttempts: 12))
        let recorded = policy.record(
            claimed(attempts: 3), .retryable(error: "HTTP 503", retryAfter: nil), now: now, random: jitter)
        #expect(recorded.record.newState == .retrying)
        // 30 s × 2^(3-1) = 120 s, times the jitter factor 0.75.
        #expect(recorded.record.nextAttempt == now + 90)
        #expect(recorded.record.error == "HTTP 503")
        #expect(recorded.change.held == nil)
    }

    @Test func theReceiversRetryAfterWinsWhenItIsLongerThanTheBackoff() {
        var policy = DeliveryPolicy(retry: RetryPolicy())
        let recorded = policy.record(
            claimed(attempts: 1), .retryable(error: "HTTP 429", retryAfter: 600), now: now, random: jitter)
        #expect(recorded.record.nextAttempt == now + 600)
    }

    @Test func aMessageThatUsedItsAttemptsFails() {
        var policy = DeliveryPolicy(retry: RetryPolicy(maximumAttempts: 4))
        let recorded = policy.record(
            claimed(attempts: 4), .retryable(error: "HTTP 500", retryAfter: nil), now: now, random: jitter)
        #expect(recorded.record.newState == .failed)
        #expect(recorded.record.nextAttempt == nil)
        #expect(recorded.record.error == "HTTP 500 (gave up after 4 attempts)")
    }

    @Test func aRetryThatWouldComeAfterTheDeadlineFails() {
        var policy = DeliveryPolicy(retry: RetryPolicy())
        let recorded = policy.record(
            claimed(attempts: 1, deadline: now + 10), .retryable(error: "timed out", retryAfter: nil), now: now,
            random: jitter)
        #expect(recorded.record.newState == .failed)
        #expect(recorded.record.error == "timed out (no time for another attempt before the concert starts)")
    }

    @Test func permanentAndGoneFailWithTheirErrorAndGoneDisablesTheSubscription() {
        var policy = DeliveryPolicy(retry: RetryPolicy())
        let permanent = policy.record(claimed(), .permanent(error: "HTTP 404"), now: now, random: jitter)
        #expect(permanent.record.newState == .failed)
        #expect(permanent.record.error == "HTTP 404")
        #expect(permanent.record.outcome == AttemptOutcome(name: "permanent", detail: "HTTP 404"))
        #expect(permanent.record.disablesSubscription == nil)
        let gone = policy.record(claimed(), .gone(error: "HTTP 410"), now: now, random: jitter)
        #expect(gone.record.newState == .failed)
        #expect(gone.record.error == "HTTP 410")
        #expect(gone.record.outcome == AttemptOutcome(name: "gone", detail: "HTTP 410"))
        #expect(gone.record.disablesSubscription == "the endpoint answered 410 Gone: HTTP 410")
    }

    @Test func aFailingDestinationIsHeldAndItsMessageWaitsWithoutSpendingAnAttempt() {
        var policy = DeliveryPolicy(retry: RetryPolicy(initialDelay: 30))
        let recorded = policy.record(
            claimed(attempts: 7, destination: "smtp.example"),
            .destinationFailed(error: "login refused", retryAfter: nil),
            now: now, random: jitter)
        // The destination's first failure: 30 s × 0.75, whatever the message's own attempts.
        #expect(recorded.record.newState == .retrying)
        #expect(recorded.record.nextAttempt == now + 22.5)
        #expect(recorded.change.held?.failures == 1)
        #expect(recorded.change.held?.retryAt == now + 22.5)
        #expect(recorded.change.held?.lastError == "login refused")
        #expect(policy.isHeld("smtp.example", at: now))
        #expect(!policy.isHeld("smtp.example", at: now + 22.5))
        #expect(!policy.isHeld("other.example", at: now))
        #expect(policy.nextRelease(after: now) == now + 22.5)
        #expect(policy.nextRelease(after: now + 22.5) == nil)
    }

    @Test func failuresOfSendsStartedBeforeTheHoldAreNotCountedAgain() {
        var policy = DeliveryPolicy(retry: RetryPolicy(initialDelay: 30))
        let failure = Verdict.destinationFailed(error: "refused", retryAfter: nil)
        _ = policy.record(claimed(destination: "smtp.example"), failure, now: now, random: jitter)
        let second = policy.record(
            claimed(destination: "smtp.example"), .destinationFailed(error: "refused again", retryAfter: nil),
            now: now + 1,
            random: {
                Issue.record("no new backoff while held")
                return 0
            })
        #expect(second.change.held == nil)
        #expect(second.record.nextAttempt == now + 22.5)
        #expect(policy.failing["smtp.example"]?.failures == 1)
        #expect(policy.failing["smtp.example"]?.lastError == "refused again")
        // Once the hold ends, the next failure counts and doubles the backoff.
        let third = policy.record(claimed(destination: "smtp.example"), failure, now: now + 30, random: jitter)
        #expect(third.change.held?.failures == 2)
        #expect(third.record.nextAttempt == now + 30 + 45)
    }

    @Test func aDestinationHeldPastTheDeadlineSkipsTheMessageAsMissed() {
        var policy = DeliveryPolicy(retry: RetryPolicy(initialDelay: 30))
        let recorded = policy.record(
            claimed(deadline: now + 5, destination: "smtp.example"),
            .destinationFailed(error: "refused", retryAfter: nil),
            now: now, random: jitter)
        #expect(recorded.record.newState == .skipped)
        #expect(recorded.record.reason == .missed)
        #expect(recorded.record.error == "destination failing until the concert started: refused")
    }

    @Test func forgettingFailuresReleasesEveryDestination() {
        var policy = DeliveryPolicy(retry: RetryPolicy())
        _ = policy.record(
            claimed(destination: "smtp.example"), .destinationFailed(error: "refused", retryAfter: 300), now: now,
            random: jitter)
        #expect(policy.nextRelease(after: now) == now + 300)
        policy.forgetFailures()
        #expect(!policy.isHeld("smtp.example", at: now))
        #expect(policy.nextRelease(after: now) == nil)
    }

    @Test func noteHealthAloneHoldsAndReleasesADestinationWithoutARow() {
        var policy = DeliveryPolicy(retry: RetryPolicy(initialDelay: 30))
        let failed = policy.noteHealth(
            of: "smtp.example", .destinationFailed(error: "refused", retryAfter: nil), now: now, random: jitter)
        #expect(failed.retryAt == now + 22.5)
        #expect(failed.held?.failures == 1)
        #expect(policy.isHeld("smtp.example", at: now))
        let answered = policy.noteHealth(of: "smtp.example", .permanent(error: "550"), now: now + 1, random: jitter)
        #expect(answered.retryAt == nil && answered.held == nil)
        #expect(!policy.isHeld("smtp.example", at: now + 1))
    }

    @Test func aWebhookHostFailingForThreeDeliveriesIsListedButNeverHeld() {
        var policy = DeliveryPolicy(retry: RetryPolicy())
        var changes: [DeliveryPolicy.HealthChange] = []
        for id in 1...3 {
            var item = claimed()
            item.delivery.id = Int64(id)
            changes.append(
                policy.record(item, .retryable(error: "HTTP 503", retryAfter: nil), now: now, random: jitter).change)
        }
        #expect(changes.prefix(2).allSatisfy { $0.webhookHost == nil && $0.held == nil })
        guard case .failing("hooks.example", let run)? = changes[2].webhookHost else {
            Issue.record("expected the host to start failing, got \(String(describing: changes[2].webhookHost))")
            return
        }
        #expect(run.failures == 3)
        #expect(!policy.isHeld("hooks.example", at: now))
        #expect(policy.failingDestinations.map(\.destination) == ["hooks.example"])
        #expect(policy.failingCount == 1)

        let answered = policy.record(claimed(), .sent(detail: "HTTP 204"), now: now + 1, random: jitter).change
        guard case .recovered("hooks.example", _)? = answered.webhookHost else {
            Issue.record("expected the host to recover, got \(String(describing: answered.webhookHost))")
            return
        }
        #expect(policy.failingDestinations.isEmpty)
        #expect(policy.failingCount == 0)
    }

    @Test func anEmailDestinationIsHeldNotFollowedAsAWebhookHost() {
        var policy = DeliveryPolicy(retry: RetryPolicy(initialDelay: 30, maximumDelay: 3600, maximumAttempts: 12))
        var item = claimed(destination: "smtp.example")
        item.subscription.channel = .email("citizen@example.org")
        let recorded = policy.record(
            item, .destinationFailed(error: "refused", retryAfter: nil), now: now, random: jitter)
        #expect(recorded.change.held?.destination == "smtp.example")
        #expect(recorded.change.webhookHost == nil)
        #expect(policy.failingCount == 1)
    }

    @Test func aTestMessageIsSentOrFailedNeverRetriedAndCountsTowardsItsDestination() {
        var policy = DeliveryPolicy(retry: RetryPolicy(initialDelay: 30, maximumDelay: 3600, maximumAttempts: 12))
        let failed = policy.recordTest(
            claimed(destination: "smtp.example"), .destinationFailed(error: "refused", retryAfter: nil), now: now,
            random: jitter)
        #expect(failed.record.newState == .failed)
        #expect(failed.record.nextAttempt == nil)
        #expect(failed.record.error == "refused")
        #expect(failed.change.held?.failures == 1)
        #expect(policy.isHeld("smtp.example", at: now))

        let sent = policy.recordTest(
            claimed(destination: "smtp.example"), .sent(detail: "250 2.0.0 Ok"), now: now + 1, random: jitter)
        #expect(sent.record.newState == .sent)
        #expect(sent.record.error == nil)
        #expect(!policy.isHeld("smtp.example", at: now + 1))
    }

    @Test func aTestMessageToAGoneEndpointDisablesItsSubscription() {
        var policy = DeliveryPolicy(retry: RetryPolicy())
        let gone = policy.recordTest(claimed(), .gone(error: "HTTP 410"), now: now, random: jitter)
        #expect(gone.record.newState == .failed)
        #expect(gone.record.outcome == AttemptOutcome(name: "gone", detail: "HTTP 410"))
        #expect(gone.record.disablesSubscription == "the endpoint answered 410 Gone: HTTP 410")
        let sent = policy.recordTest(claimed(), .sent(detail: "HTTP 204"), now: now, random: jitter)
        #expect(sent.record.disablesSubscription == nil)
    }
}
