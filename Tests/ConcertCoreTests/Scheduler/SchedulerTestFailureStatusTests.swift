import ConcertCore
import Foundation
import Testing

/// A test message counts towards its destination's health like any send, for email as for
/// webhooks: a smarthost that refuses a test shows in `status`'s failing destinations, and one
/// that takes a test is no longer shown failing.
@Suite(.timeLimit(.minutes(1))) struct SchedulerTestFailureStatusTests {
    @Test func aTestTheSmarthostRefusesShowsItFailingAndATestItTakesClearsIt() throws {
        let h = try SchedulerHarness(
            now: "2019-10-22T13:00",
            email: RecordingChannel(.answer(.destinationFailed(error: "535 5.7.8 bad credentials", retryAfter: nil))))
        let subscription = try h.subscribe(["daegu"], email: "a@example.org", before: "7d")
        try h.scheduler.start()
        let answered = LockedBox<Verdict?>(nil)
        h.scheduler.sendTest(subscriptionID: subscription.id) { answered.set(try? $0.get()) }
        h.settle()
        #expect(answered.get() == .destinationFailed(error: "535 5.7.8 bad credentials", retryAfter: nil))
        let failing = h.scheduler.status().failingDestinations
        #expect(failing.map(\.destination) == ["smtp"])
        #expect(failing.first?.lastError == "535 5.7.8 bad credentials")
        #expect(try h.states(subscription).first == "test:0s failed", "a test is never retried")

        h.email.setFallback(.succeed)
        h.scheduler.sendTest(subscriptionID: subscription.id) { _ in }
        h.settle()
        #expect(h.scheduler.status().failingDestinations.isEmpty)
    }
}
