import ConcertCore
import Foundation
import GRDB
import Testing

/// Limits on sends in flight, and one message per channel however often it is subscribed.
@Suite(.timeLimit(.minutes(1))) struct SchedulerConcurrencyTests {
    @Test func oneSlowDestinationCannotHoldUpTheOthers() throws {
        let h = try SchedulerHarness(
            now: "2019-10-22T13:00", limits: SendLimits(maximumInFlight: 10, maximumPerDestination: 2),
            webhook: RecordingChannel(.hang))
        for index in 0..<5 {
            _ = try h.subscribe(["daegu"], webhook: "https://slow.example.org/\(index)")
        }
        for index in 0..<3 {
            _ = try h.subscribe(["daegu"], webhook: "https://fast\(index).example.org/x")
        }
        try h.scheduler.start()
        h.advance(to: "2019-10-22T14:00")
        let hosts = h.webhook.messages.map { WebhookURL.destination(of: $0.subscription.channel.target)! }
        #expect(hosts.filter { $0 == "slow.example.org" }.count == 2)
        #expect(hosts.filter { $0.hasPrefix("fast") }.count == 3)
        #expect(h.scheduler.status().inFlight == 5)
        // As the slow host answers, its next messages go out, never more than two at once.
        h.webhook.release()
        h.settle()
        #expect(h.webhook.messages.count == 7)
        h.webhook.release()
        h.settle()
        h.webhook.release()
        h.settle()
        #expect(h.webhook.messages.count == 8)
    }

    @Test func globalLimitBoundsSendsInFlight() throws {
        let h = try SchedulerHarness(
            now: "2019-10-22T13:00", limits: SendLimits(maximumInFlight: 3, maximumPerDestination: 3),
            webhook: RecordingChannel(.hang))
        for index in 0..<7 {
            _ = try h.subscribe(["daegu"], webhook: "https://h\(index).example.org/x")
        }
        try h.scheduler.start()
        h.advance(to: "2019-10-22T14:00")
        #expect(h.webhook.hangingCount == 3)
        for _ in 0..<2 {
            h.webhook.release()
            h.settle()
        }
        #expect(h.webhook.messages.count == 7)
        #expect(h.webhook.hangingCount == 1)
        let counters = try h.database.counters()
        #expect(counters["delivery.sent"] == 6)
        #expect(counters["delivery.sending"] == 1)
        #expect(counters["delivery.scheduled"] == 14)
    }

    @Test func sameChannelSubscribedTwiceGetsOneMessage() throws {
        let h = try SchedulerHarness(now: "2019-10-22T13:00")
        let one = try h.subscribe(["daegu"], email: "office@example.org")
        let two = try h.subscribe(["daegu"], email: "Office@Example.org", before: "7d")
        try h.scheduler.start()
        h.advance(to: "2019-10-22T14:00")
        #expect(h.email.kinds == ["reminder:7d"])
        let states = try [h.states(one).first!, h.states(two).first!].sorted()
        #expect(states == ["reminder:7d sent", "reminder:7d skipped(duplicate)"])
    }
}
