import ConcertCore
import Foundation
import Testing

/// One channel subscribed twice: only a message identical to one sent (same address, format,
/// language, concert revision, kind and offset) is a duplicate, and a message waiting for its
/// twin is sent when the twin fails.
@Suite(.timeLimit(.minutes(1))) struct SchedulerDuplicateTests {
    static let url = "https://hooks.example.org/T0/B0"

    @Test func anotherFormatToTheSameURLGetsItsMessageThoughTheFirstFailed() throws {
        let h = try SchedulerHarness(now: "2019-10-22T13:00")
        h.webhook.script(.answer(.permanent(error: "HTTP 400: invalid_payload")))
        let generic = try h.subscribe(["daegu"], webhook: Self.url, format: "generic", before: "7d")
        let slack = try h.subscribe(["daegu"], webhook: Self.url, format: "slack", before: "7d")
        try h.scheduler.start()
        h.advance(to: "2019-10-22T14:00")
        #expect(h.webhook.messages.count == 2)
        #expect(try h.states(generic) == ["reminder:7d failed"])
        #expect(try h.states(slack) == ["reminder:7d sent"])
    }

    @Test func anotherLanguageToTheSameAddressGetsItsMessage() throws {
        let h = try SchedulerHarness(now: "2019-10-22T13:00")
        let korean = try h.subscribe(["daegu"], email: "office@example.org", before: "7d", language: .ko)
        let english = try h.subscribe(["daegu"], email: "office@example.org", before: "7d", language: .en)
        try h.scheduler.start()
        h.advance(to: "2019-10-22T14:00")
        #expect(h.email.messages.map(\.subscription.language).sorted { $0.rawValue < $1.rawValue } == [.en, .ko])
        #expect(try h.states(korean) == ["reminder:7d sent"])
        #expect(try h.states(english) == ["reminder:7d sent"])
    }

    @Test func theSameMessageIsSentInsteadWhenItsTwinFails() throws {
        let h = try SchedulerHarness(now: "2019-10-22T13:00")
        h.webhook.script(.answer(.permanent(error: "HTTP 404: no_such_hook")))
        let one = try h.subscribe(["daegu"], webhook: Self.url, before: "7d")
        let two = try h.subscribe(["daegu"], webhook: Self.url, before: "7d,1d")
        try h.scheduler.start()
        h.advance(to: "2019-10-22T14:00")
        #expect(h.webhook.kinds == ["reminder:7d", "reminder:7d"], "the twin is sent once the first fails")
        let states = try [h.states(one)[0], h.states(two)[0]].sorted()
        #expect(states == ["reminder:7d failed", "reminder:7d sent"])
    }

    @Test func theSameMessageWaitsWhileItsTwinIsRetriedAndIsADuplicateOnceItIsSent() throws {
        let h = try SchedulerHarness(now: "2019-10-22T13:00")
        h.webhook.script(.answer(.retryable(error: "HTTP 503", retryAfter: 60)))
        let one = try h.subscribe(["daegu"], webhook: Self.url, before: "7d")
        let two = try h.subscribe(["daegu"], webhook: Self.url, before: "7d,1d")
        try h.scheduler.start()
        h.advance(to: "2019-10-22T14:00")
        #expect(h.webhook.messages.count == 1, "the twin waits for the first one's retry")
        h.advance(to: "2019-10-22T14:01")
        h.advance(to: "2019-10-22T14:20")
        #expect(h.webhook.messages.count == 2)
        let states = try [h.states(one)[0], h.states(two)[0]].sorted()
        #expect(states == ["reminder:7d sent", "reminder:7d skipped(duplicate)"])
    }

    @Test func theSameMessageIsSentWhenItsTwinsSubscriptionIsPausedWhileRetrying() throws {
        let h = try SchedulerHarness(now: "2019-10-22T13:00")
        h.webhook.script(.answer(.retryable(error: "HTTP 503", retryAfter: 3600)))
        let one = try h.subscribe(["daegu"], webhook: Self.url, before: "7d")
        let two = try h.subscribe(["daegu"], webhook: Self.url, before: "7d,1d")
        try h.scheduler.start()
        h.advance(to: "2019-10-22T14:00")
        let first = try #require(h.webhook.messages.first?.subscription.id)
        try h.database.setSubscriptionState(id: first, to: .paused, now: h.clock.now())
        h.scheduler.wake()
        h.settle()
        h.advance(to: "2019-10-22T14:16")
        #expect(h.webhook.messages.map(\.subscription.id) == [first, first == one.id ? two.id : one.id])
    }

    @Test func eachSubscriptionOfOneChannelIsConfirmed() throws {
        let h = try SchedulerHarness(now: "2019-10-22T13:00")
        _ = try h.subscribe(["daegu"], email: "office@example.org", before: "7d", confirm: true)
        _ = try h.subscribe(["daegu"], email: "office@example.org", before: "1h", confirm: true)
        try h.scheduler.start()
        h.settle()
        #expect(h.email.kinds == ["confirmation:0s", "confirmation:0s"])
    }
}
