import ConcertCore
import Foundation
import Testing

/// A webhook host failing as a whole shows in `status` (host, last error, since when) without
/// holding its messages; one URL failing does not mark its host.
@Suite(.timeLimit(.minutes(1))) struct SchedulerWebhookHostTests {
    static let refused = Verdict.retryable(
        error: "could not connect to host.example.org: refused", retryAfter: nil)

    @Test func aHostThatAnswersNoneOfSeveralMessagesShowsInStatusUntilItAnswers() throws {
        let h = try SchedulerHarness(now: "2019-10-22T13:00", webhook: RecordingChannel(.answer(Self.refused)))
        let subscriptions = try (0..<3).map {
            try h.subscribe(["daegu"], webhook: "https://host.example.org/hook/\($0)", before: "7d")
        }
        _ = try h.subscribe(["daegu"], webhook: "https://other.example.org/hook", before: "7d")
        try h.scheduler.start()
        h.advance(to: "2019-10-22T14:00")
        let failing = h.scheduler.status().failingDestinations
        #expect(failing.map(\.destination) == ["host.example.org"])
        #expect(failing.first?.failures == 3)
        #expect(failing.first?.lastError.contains("refused") == true)
        #expect(failing.first?.since == Fixtures.korea("2019-10-22T14:00"))
        #expect(failing.first?.retryAt == nil, "a webhook host is not held")
        // Not held: each message is retried on its own schedule.
        for subscription in subscriptions { #expect(try h.states(subscription) == ["reminder:7d retrying"]) }
        h.webhook.setFallback(.succeed)
        h.advance(to: "2019-10-22T14:00:30")
        #expect(h.scheduler.status().failingDestinations.isEmpty)
        for subscription in subscriptions { #expect(try h.states(subscription) == ["reminder:7d sent"]) }
    }

    @Test func oneURLFailingOverAndOverDoesNotMarkItsHost() throws {
        let h = try SchedulerHarness(
            now: "2019-10-22T13:00", retry: RetryPolicy(initialDelay: 1, maximumDelay: 1, maximumAttempts: 5),
            webhook: RecordingChannel(.answer(.retryable(error: "HTTP 500", retryAfter: nil))))
        _ = try h.subscribe(["daegu"], webhook: "https://host.example.org/broken", before: "7d")
        try h.scheduler.start()
        for moment in ["14:00", "14:00:01", "14:00:02", "14:00:03"] { h.advance(to: "2019-10-22T" + moment) }
        #expect(h.webhook.messages.count == 4)
        #expect(h.scheduler.status().failingDestinations.isEmpty)
    }

    @Test func anAnswerBetweenFailuresEndsTheRun() throws {
        let h = try SchedulerHarness(now: "2019-10-22T13:00")
        h.webhook.script(
            .answer(Self.refused), .answer(Self.refused), .answer(.permanent(error: "HTTP 404")), .answer(Self.refused))
        for index in 0..<4 {
            _ = try h.subscribe(["daegu"], webhook: "https://host.example.org/hook/\(index)", before: "7d")
        }
        try h.scheduler.start()
        h.advance(to: "2019-10-22T14:00")
        #expect(h.webhook.messages.count == 4)
        #expect(h.scheduler.status().failingDestinations.isEmpty, "a 404 is an answer from the host")
    }
}
