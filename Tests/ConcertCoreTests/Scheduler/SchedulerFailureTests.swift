import ConcertCore
import Foundation
import GRDB
import Testing

/// Channel verdicts: retries with backoff and Retry-After, permanent failures, failing destinations, 410.
@Suite(.timeLimit(.minutes(1))) struct SchedulerFailureTests {
    func nextAttempt(_ h: SchedulerHarness, _ subscription: Subscription) throws -> Date? {
        try h.database.deliveries(subscriptionID: subscription.id).first { $0.state == .retrying }?.nextAttempt
    }

    @Test func retryableFailureBacksOffExponentiallyWithJitter() throws {
        // random() is fixed at 0.5, so the jitter factor is 0.75: 30 s × 0.75, then 60 s × 0.75.
        let h = try SchedulerHarness(now: "2019-10-22T13:00")
        h.webhook.script(
            .answer(.retryable(error: "HTTP 500", retryAfter: nil)),
            .answer(.retryable(error: "HTTP 503", retryAfter: nil)))
        let subscription = try h.subscribe(["daegu"])
        try h.scheduler.start()
        h.advance(to: "2019-10-22T14:00")
        let due = Fixtures.korea("2019-10-22T14:00")
        #expect(try nextAttempt(h, subscription) == due.addingTimeInterval(22.5))
        h.advance(to: "2019-10-22T14:00:23")
        #expect(try nextAttempt(h, subscription) == Fixtures.korea("2019-10-22T14:00:23").addingTimeInterval(45))
        h.advance(to: "2019-10-22T14:01:08")
        #expect(h.webhook.kinds == ["reminder:7d", "reminder:7d", "reminder:7d"])
        let delivery = try #require(
            try h.database.deliveries(subscriptionID: subscription.id).first { $0.state == .sent })
        #expect(delivery.attempts == 3)
        #expect(try h.database.attempts(deliveryID: delivery.id).map(\.outcome) == ["retryable", "retryable", "sent"])
    }

    @Test func retryAfterFromTheReceiverIsHonoured() throws {
        let h = try SchedulerHarness(now: "2019-10-22T13:00")
        h.webhook.script(.answer(.retryable(error: "HTTP 429", retryAfter: 600)))
        let subscription = try h.subscribe(["daegu"])
        try h.scheduler.start()
        h.advance(to: "2019-10-22T14:00")
        #expect(try nextAttempt(h, subscription) == Fixtures.korea("2019-10-22T14:10"))
        h.advance(to: "2019-10-22T14:09:59")
        #expect(h.webhook.messages.count == 1)
        h.advance(to: "2019-10-22T14:10")
        #expect(h.webhook.messages.count == 2)
    }

    @Test func retriesNeverGoPastTheConcertsStart() throws {
        let h = try SchedulerHarness(now: "2019-10-29T12:59:50")
        h.webhook.script(.answer(.retryable(error: "HTTP 429", retryAfter: 7200)))
        let subscription = try h.subscribe(["daegu"])
        try h.scheduler.start()
        h.advance(to: "2019-10-29T13:00")
        let delivery = try #require(try h.database.deliveries(subscriptionID: subscription.id).first)
        #expect(delivery.state == .failed)
        #expect(delivery.lastError?.contains("before the concert starts") == true)
    }

    @Test func retriesStopAfterTheMaximumAttempts() throws {
        let h = try SchedulerHarness(
            now: "2019-10-22T13:00", retry: RetryPolicy(initialDelay: 1, maximumDelay: 1, maximumAttempts: 3),
            webhook: RecordingChannel(.answer(.retryable(error: "HTTP 502", retryAfter: nil))))
        let subscription = try h.subscribe(["daegu"])
        try h.scheduler.start()
        for moment in ["2019-10-22T14:00", "2019-10-22T14:00:01", "2019-10-22T14:00:02", "2019-10-22T14:00:03"] {
            h.advance(to: moment)
        }
        #expect(h.webhook.messages.count == 3)
        let delivery = try #require(
            try h.database.deliveries(subscriptionID: subscription.id).first {
                $0.kind == .reminder && $0.offset.description == "7d"
            })
        #expect(delivery.state == .failed)
        #expect(delivery.lastError == "HTTP 502 (gave up after 3 attempts)")
    }

    @Test func permanentFailureIsNotRetried() throws {
        let h = try SchedulerHarness(now: "2019-10-22T13:00")
        h.webhook.script(.answer(.permanent(error: "HTTP 400: invalid_payload")))
        let subscription = try h.subscribe(["daegu"])
        try h.scheduler.start()
        h.advance(to: "2019-10-22T14:00")
        h.advance(to: "2019-10-22T15:00")
        #expect(h.webhook.messages.count == 1)
        #expect(try h.states(subscription).first == "reminder:7d failed")
        #expect(h.timer.armedFor == Fixtures.korea("2019-10-28T14:00"))
    }

    @Test func destinationFailureIsRetriedAndShownButNeverFailsAMessage() throws {
        let h = try SchedulerHarness(
            now: "2019-10-22T13:00",
            email: RecordingChannel(
                .answer(.destinationFailed(error: "535 5.7.8 authentication failed", retryAfter: nil))))
        let one = try h.subscribe(["daegu"], email: "a@example.org")
        let two = try h.subscribe(["daegu"], email: "b@example.org")
        try h.scheduler.start()
        h.advance(to: "2019-10-22T14:00")
        #expect(h.email.messages.count == 2)
        let failing = h.scheduler.status().failingDestinations
        #expect(failing.map(\.destination) == ["smtp"])
        #expect(failing.first?.lastError == "535 5.7.8 authentication failed")
        #expect(failing.first?.failures == 1, "two messages failing together count as one failure of the smarthost")
        #expect(try h.states(one).first == "reminder:7d retrying")
        // The smarthost is held: nothing is sent to it before its retry time.
        h.advance(to: "2019-10-22T14:00:10")
        #expect(h.email.messages.count == 2)
        h.email.setFallback(.succeed)
        h.advance(to: "2019-10-22T14:00:30")
        #expect(h.email.messages.count == 4)
        #expect(try h.states(one).first == "reminder:7d sent")
        #expect(try h.states(two).first == "reminder:7d sent")
        #expect(h.scheduler.status().failingDestinations.isEmpty)
        let delivery = try #require(try h.database.deliveries(subscriptionID: one.id).first { $0.state == .sent })
        #expect(try h.database.attempts(deliveryID: delivery.id).map(\.outcome) == ["destination_failed", "sent"])
    }

    @Test func destinationFailingUntilTheConcertMarksRemindersMissedNotFailed() throws {
        let h = try SchedulerHarness(
            now: "2019-10-29T12:59",
            email: RecordingChannel(.answer(.destinationFailed(error: "connection refused", retryAfter: nil))))
        let subscription = try h.subscribe(["daegu"], email: "a@example.org")
        try h.scheduler.start()
        for minute in 0...59 {
            h.advance(to: String(format: "2019-10-29T13:%02d:59", minute))
        }
        #expect(try h.states(subscription) == ["reminder:1h skipped(missed)"])
    }

    @Test func goneEndpointDisablesTheSubscriptionAndResumeBringsItBack() throws {
        let h = try SchedulerHarness(now: "2019-10-22T13:00")
        h.webhook.script(.answer(.gone(error: "HTTP 410")))
        let subscription = try h.subscribe(["daegu"])
        try h.scheduler.start()
        h.advance(to: "2019-10-22T14:00")
        let disabled = try #require(try h.database.subscription(id: subscription.id))
        #expect(disabled.state == .disabled)
        #expect(disabled.stateReason?.contains("410") == true)
        #expect(
            try h.states(subscription) == [
                "reminder:7d failed", "reminder:1d skipped(disabled)", "reminder:1h skipped(disabled)",
            ])
        #expect(h.timer.armedFor == nil)

        try h.database.setSubscriptionState(id: subscription.id, to: .active, now: h.clock.now())
        h.scheduler.wake()
        h.settle()
        #expect(try h.states(subscription) == ["reminder:7d failed", "reminder:1d scheduled", "reminder:1h scheduled"])
        h.advance(to: "2019-10-28T14:00")
        #expect(h.webhook.kinds == ["reminder:7d", "reminder:1d"])
    }
}
