import ConcertCore
import Foundation
import Testing

/// What the scheduler reports to its observer (the metrics): each send with its lateness, each
/// verdict, each retry with its reason, and the gauges; and the store's totals of final states by
/// kind and channel, which the scheduler's moves keep.
@Suite(.timeLimit(.minutes(1))) struct SchedulerObserverTests {
    func finished(_ h: SchedulerHarness) throws -> [FinishedDeliveryCount] {
        FinishedDeliveryCount.totals(in: try h.database.counters())
    }

    @Test func aSentReminderIsReportedWithItsKindChannelAndLateness() throws {
        let observer = RecordingObserver()
        let h = try SchedulerHarness(now: "2019-10-22T13:00", observer: observer)
        // Daegu's concert starts 2019-10-29T14:00: the 7-day reminder is due 2019-10-22T14:00.
        _ = try h.subscribe(["daegu"], webhook: "https://hooks.example.org/a", format: "slack", before: "7d")
        try h.scheduler.start()
        h.advance(to: "2019-10-22T14:05")
        #expect(
            observer.events == [
                .started(.reminder, channel: "slack", lateness: 300), .ended(channel: "slack", verdict: "sent"),
            ])
        #expect(try finished(h) == [FinishedDeliveryCount(state: .sent, kind: .reminder, channel: "slack", count: 1)])
    }

    @Test func retriesAreReportedByReasonAndAFailureByItsFinalState() throws {
        let observer = RecordingObserver()
        let webhook = RecordingChannel(.answer(.retryable(error: "HTTP 503", retryAfter: nil)))
        let h = try SchedulerHarness(
            now: "2019-10-22T13:00", retry: RetryPolicy(initialDelay: 60, maximumDelay: 60, maximumAttempts: 2),
            webhook: webhook, observer: observer)
        _ = try h.subscribe(["daegu"], before: "7d")
        try h.scheduler.start()
        h.advance(to: "2019-10-22T14:00")
        #expect(observer.events.contains(.retry(.retryable)))
        #expect(try finished(h).isEmpty)
        h.advance(to: "2019-10-22T14:10")
        #expect(observer.events.filter { $0 == .retry(.retryable) }.count == 1)
        #expect(
            try finished(h) == [FinishedDeliveryCount(state: .failed, kind: .reminder, channel: "generic", count: 1)])
    }

    @Test func aDestinationFailureIsReportedAsItsOwnRetryReasonAndCountsAsAFailingDestination() throws {
        let observer = RecordingObserver()
        let webhook = RecordingChannel(.answer(.destinationFailed(error: "connection refused", retryAfter: nil)))
        let h = try SchedulerHarness(now: "2019-10-22T13:00", webhook: webhook, observer: observer)
        _ = try h.subscribe(["daegu"], before: "7d")
        try h.scheduler.start()
        #expect(h.scheduler.gauges.failingDestinations == 0)
        h.advance(to: "2019-10-22T14:00")
        #expect(observer.events.contains(.retry(.destinationFailed)))
        #expect(h.scheduler.gauges.failingDestinations == 1)
    }

    @Test func aReminderSkippedAtSendTimeIsCountedAsSkipped() throws {
        let observer = RecordingObserver()
        let h = try SchedulerHarness(now: "2019-10-22T13:00", observer: observer)
        _ = try h.subscribe(["daegu"], email: "a@example.org", before: "1h")
        try h.scheduler.start()
        // The daemon was down past the concert's start: the reminder is skipped, not sent.
        h.advance(to: "2019-10-29T15:00")
        #expect(observer.events.isEmpty)
        #expect(
            try finished(h) == [FinishedDeliveryCount(state: .skipped, kind: .reminder, channel: "email", count: 1)])
    }

    @Test func sendsInFlightArePublishedWithoutAHopOntoTheQueue() throws {
        let webhook = RecordingChannel(.hang)
        let h = try SchedulerHarness(now: "2019-10-22T13:00", webhook: webhook, observer: RecordingObserver())
        _ = try h.subscribe(["daegu"], webhook: "https://one.example.org/a", before: "7d")
        _ = try h.subscribe(["daegu"], webhook: "https://two.example.org/a", before: "7d")
        try h.scheduler.start()
        h.advance(to: "2019-10-22T14:00")
        #expect(h.scheduler.gauges.inFlight == 2)
        // Read while the queue is busy: the gauges do not wait for it.
        let busy = DispatchSemaphore(value: 0)
        h.queue.async { busy.wait() }
        #expect(h.scheduler.gauges.inFlight == 2)
        busy.signal()
        webhook.release()
        h.settle()
        #expect(h.scheduler.gauges.inFlight == 0)
    }

    @Test func aTestMessageIsReportedAsATestDelivery() throws {
        let observer = RecordingObserver()
        let h = try SchedulerHarness(now: "2019-10-22T13:00", observer: observer)
        let subscription = try h.subscribe(["daegu"], webhook: "https://hooks.example.org/a", format: "discord")
        let answered = DispatchSemaphore(value: 0)
        try h.scheduler.start()
        h.scheduler.sendTest(subscriptionID: subscription.id) { _ in answered.signal() }
        #expect(answered.wait(timeout: .now() + 10) == .success)
        h.settle()
        #expect(
            try finished(h).contains(FinishedDeliveryCount(state: .sent, kind: .test, channel: "discord", count: 1)))
        #expect(observer.events.contains(.ended(channel: "discord", verdict: "sent")))
    }
}
