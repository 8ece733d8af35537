import ConcertCore
import Foundation
import Testing

/// A row that falls due is sent at its due time, whatever else the scheduler is doing: the timer
/// stays armed for the earliest row that is not already being sent or waiting for a slot, and
/// nothing the scheduler remembers between calls hides a row that has fallen due.
@Suite(.timeLimit(.minutes(1))) struct SchedulerLateRetryTests {
    /// Fires the timer at `moment`, if armed for then or earlier, as the wall-clock timerfd would.
    func fire(_ h: SchedulerHarness, at moment: Date) {
        h.clock.set(moment)
        if let armed = h.timer.armedFor, armed <= moment { h.timer.fire(on: h.queue) }
        h.settle()
    }

    /// The store keeps times to the millisecond: a verdict that arrives between two milliseconds
    /// gives a retry time the store rounds down. The timer fires at the stored time, which is a
    /// hair before the retry time the scheduler computed; the row is sent all the same.
    @Test func retryWhoseTimeTheStoreRoundsDownIsSentWhenTheTimerFires() throws {
        let h = try SchedulerHarness(now: "2019-10-22T13:00")
        h.webhook.script(.answer(.retryable(error: "connection refused", retryAfter: nil)))
        let subscription = try h.subscribe(["daegu"])
        try h.scheduler.start()
        let due = Fixtures.korea("2019-10-22T14:00")
        // The timer fires 0.4 ms after the due time; the verdict comes at once: 22.5 s backoff.
        fire(h, at: due.addingTimeInterval(0.0004))
        #expect(h.webhook.messages.count == 1)
        let stored = try #require(
            try h.database.deliveries(subscriptionID: subscription.id).first { $0.state == .retrying }?.nextAttempt)
        #expect(stored == due.addingTimeInterval(22.5), "the store rounds 22.5004 s to the millisecond")
        #expect(h.timer.armedFor == stored)

        fire(h, at: stored)
        #expect(h.webhook.messages.count == 2, "the retry is sent when the timer fires for it")
        #expect(try h.states(subscription).first == "reminder:7d sent")
    }

    /// The same retry, found due by a call that is not the timer's (the verdict of a slow send to
    /// another destination) in the fraction of a millisecond between its stored and computed time.
    @Test func retryFoundDueBetweenItsStoredAndComputedTimeIsSentAtOnce() throws {
        let h = try SchedulerHarness(now: "2019-10-22T13:00")
        let failing = try h.subscribe(["daegu"], webhook: "https://dead.example.org/a")
        let slow = try h.subscribe(["daegu"], webhook: "https://slow.example.org/b")
        // Two rows due together: one fails at once, the other's receiver answers 22.5 s later.
        h.webhook.script(.answer(.retryable(error: "connection refused", retryAfter: nil)), .hang)
        try h.scheduler.start()
        let due = Fixtures.korea("2019-10-22T14:00")
        fire(h, at: due.addingTimeInterval(0.0004))
        #expect(h.webhook.messages.count == 2)
        #expect(h.webhook.hangingCount == 1)
        let stored = due.addingTimeInterval(22.5)
        #expect(h.timer.armedFor == stored)
        // The slow send's verdict arrives 0.2 ms after the stored retry time, before the timer fires.
        h.clock.set(stored.addingTimeInterval(0.0002))
        h.webhook.release()
        h.settle()
        #expect(h.webhook.messages.count == 3, "the retry goes with the verdict's call: \(h.webhook.kinds)")
        #expect(try h.states(failing).first == "reminder:7d sent")
        #expect(try h.states(slow).first == "reminder:7d sent")
        #expect(h.timer.armedFor == Fixtures.korea("2019-10-28T14:00"))
    }

    /// A destination at its limit with rows waiting: its verdicts would call the scheduler again,
    /// but a retry of another destination falls due long before the slow send ends; the timer must
    /// be armed for it.
    @Test func retryIsSentOnTimeWhileRowsWaitForASlowDestination() throws {
        let h = try SchedulerHarness(now: "2019-10-22T13:00", limits: SendLimits(maximumPerDestination: 1))
        _ = try h.subscribe(["daegu"], webhook: "https://slow.example.org/1")
        _ = try h.subscribe(["daegu"], webhook: "https://slow.example.org/2")
        let failing = try h.subscribe(["daegu"], webhook: "https://dead.example.org/a")
        h.webhook.script(.hang, .answer(.retryable(error: "connection refused", retryAfter: nil)))
        try h.scheduler.start()
        let due = Fixtures.korea("2019-10-22T14:00")
        fire(h, at: due)
        #expect(h.webhook.messages.count == 2, "the second row of the slow host waits for a slot")
        #expect(h.timer.armedFor == due.addingTimeInterval(22.5))

        fire(h, at: due.addingTimeInterval(22.5))
        #expect(h.webhook.messages.count == 3, "the retry went at its time: \(h.webhook.kinds)")
        #expect(try h.states(failing).first == "reminder:7d sent")
        #expect(h.timer.armedFor != nil, "the slow host still has a row waiting; later rows keep the timer armed")
    }

    /// The same with a test message holding the destination's one slot (`concertctl test` to a
    /// receiver that takes its time) while a reminder to it waits.
    @Test func retryIsSentOnTimeWhileATestMessageHoldsTheOnlySlot() throws {
        let h = try SchedulerHarness(now: "2019-10-22T13:59", limits: SendLimits(maximumPerDestination: 1))
        let slow = try h.subscribe(["daegu"], webhook: "https://slow.example.org/1")
        let failing = try h.subscribe(["daegu"], webhook: "https://dead.example.org/a")
        try h.scheduler.start()
        h.webhook.script(.hang, .answer(.retryable(error: "connection refused", retryAfter: nil)))
        h.scheduler.sendTest(subscriptionID: slow.id) { _ in }
        h.settle()
        #expect(h.webhook.hangingCount == 1)
        let due = Fixtures.korea("2019-10-22T14:00")
        fire(h, at: due)
        #expect(h.webhook.kinds == ["test:0s", "reminder:7d"])
        fire(h, at: due.addingTimeInterval(22.5))
        #expect(h.webhook.messages.count == 3, "the retry went at its time: \(h.webhook.kinds)")
        #expect(try h.states(failing).first == "reminder:7d sent")
        h.webhook.release()
        h.settle()
        #expect(
            try h.states(slow).contains("reminder:7d sent"), "the waiting reminder goes once the test is answered")
    }

    /// A row put off while the same message goes through another subscription (its twin) is
    /// looked at again when the wait ends, though the store rounded the end of the wait down.
    @Test func rowPutOffForItsTwinIsLookedAtAgainWhenTheWaitEnds() throws {
        let h = try SchedulerHarness(now: "2019-10-22T13:00")
        let url = "https://hooks.example.org/T0/B0"
        _ = try h.subscribe(["daegu"], webhook: url, before: "7d")
        let second = try h.subscribe(["daegu"], webhook: url, before: "7d,1d")
        h.webhook.script(.hang)
        try h.scheduler.start()
        let due = Fixtures.korea("2019-10-22T14:00")
        fire(h, at: due.addingTimeInterval(0.0004))
        #expect(h.webhook.messages.count == 1, "the second waits for its twin's verdict")
        func waitsUntil() throws -> Date? {
            try h.database.deliveries(subscriptionID: second.id).first { $0.offset.seconds == 7 * 86400 }?.nextAttempt
        }
        let stored = try #require(try waitsUntil())
        #expect(stored == due.addingTimeInterval(900), "the store rounds 900.0004 s to the millisecond")
        #expect(h.timer.armedFor == stored)

        fire(h, at: stored)
        #expect(try waitsUntil() == stored.addingTimeInterval(900), "still waiting for the twin: put off again")
        #expect(h.timer.armedFor == stored.addingTimeInterval(900))
        h.webhook.release()
        h.settle()
        #expect(try h.states(second).first == "reminder:7d skipped(duplicate)")
    }

    /// The system clock is stepped back an hour while a send is in flight (NTP, an operator): the
    /// retry its verdict asks for falls due before the moment already caught up to, and goes all the same.
    @Test func retryIsSentOnTimeAfterTheClockWasSteppedBack() throws {
        let h = try SchedulerHarness(now: "2019-10-22T13:00")
        let subscription = try h.subscribe(["daegu"])
        h.webhook.script(.hang)
        try h.scheduler.start()
        let due = Fixtures.korea("2019-10-22T14:00")
        fire(h, at: due)
        #expect(h.webhook.hangingCount == 1)
        let steppedBack = due.addingTimeInterval(-3600)
        h.clock.set(steppedBack)
        h.webhook.release(.retryable(error: "connection refused", retryAfter: nil))
        h.settle()
        #expect(h.timer.armedFor == steppedBack.addingTimeInterval(22.5))

        fire(h, at: steppedBack.addingTimeInterval(22.5))
        #expect(h.webhook.messages.count == 2, "the retry went at its time")
        #expect(try h.states(subscription).first == "reminder:7d sent")
    }
}
