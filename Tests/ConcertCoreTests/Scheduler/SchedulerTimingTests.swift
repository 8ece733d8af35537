import ConcertCore
import Foundation
import Logging
import Testing

/// The single timer: armed for the earliest due row, re-armed, silent when idle, and following
/// clock jumps like downtime.
@Suite(.timeLimit(.minutes(1))) struct SchedulerTimingTests {
    @Test func timerFiresAtTheDueTimeAndReArmsForTheNext() throws {
        let h = try SchedulerHarness(now: "2019-10-01T00:00")
        try h.scheduler.start()
        #expect(h.timer.armedFor == nil, "nothing is due, so nothing is armed")

        _ = try h.subscribe(["daegu"])
        #expect(h.timer.armedFor == Fixtures.korea("2019-10-22T14:00"))

        h.advance(to: "2019-10-22T13:59:59")
        #expect(h.webhook.messages.isEmpty)
        h.advance(to: "2019-10-22T14:00")
        #expect(h.webhook.kinds == ["reminder:7d"])
        #expect(h.timer.armedFor == Fixtures.korea("2019-10-28T14:00"))

        h.advance(to: "2019-10-28T14:00")
        h.advance(to: "2019-10-29T13:00")
        #expect(h.webhook.kinds == ["reminder:7d", "reminder:1d", "reminder:1h"])
        #expect(h.timer.armedFor == nil, "all sent: the timer is disarmed")
        #expect(h.scheduler.status().timerFires == 3)
    }

    @Test func idleSchedulerArmsNothingAndNeverWakes() throws {
        let h = try SchedulerHarness(now: "2019-12-31T00:00")  // every concert is over
        _ = try h.subscribe(["busan"])
        try h.scheduler.start()
        h.settle()
        #expect(h.timer.armedFor == nil)
        #expect(h.scheduler.status().timerFires == 0)
    }

    @Test func realDispatchTimerFiresOnTimeAndThenStaysQuiet() async throws {
        let subscribed = Fixtures.korea("2019-10-29T12:59:59")
        let database = try AppDatabase.inMemory()
        try database.importCatalog(Fixtures.catalog, now: subscribed)
        _ = try database.createSubscription(
            NewSubscription(channel: .email("a@example.org"), cities: ["daegu"]), now: subscribed, confirm: false)
        // A shifted clock 1 s before the 1h reminder of Daegu, running 10× fast: due in 100 ms real.
        // Started once the database is ready, so that a slow set-up does not eat those 100 ms.
        let clock = ShiftedClock(start: subscribed, rate: 10)
        let channel = RecordingChannel()
        let scheduler = DeliveryScheduler(
            store: database, catalog: Fixtures.catalog, channels: ["email": channel], clock: clock,
            logger: .quiet)
        try scheduler.start()
        #expect(channel.messages.isEmpty)
        let started = Date()
        while channel.messages.isEmpty && Date().timeIntervalSince(started) < 5 {
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(channel.kinds == ["reminder:1h"])
        // Sent within 100 ms real (1 s shifted) of its due time.
        let sentAt = try #require(channel.messages.first?.now)
        let lateness = sentAt.timeIntervalSince(Fixtures.korea("2019-10-29T13:00"))
        #expect(lateness >= 0 && lateness < 1, "sent \(lateness) s (shifted) after its due time")
        try await Task.sleep(for: .milliseconds(300))
        let status = scheduler.status()
        #expect(status.timerFires == 1)
        #expect(status.timerArmedFor == nil)
        scheduler.shutdown(grace: 1)
    }

    @Test func clockJumpForwardIsTreatedLikeDowntime() throws {
        let h = try SchedulerHarness(now: "2019-10-01T00:00")
        let subscription = try h.subscribe(["daegu"])
        try h.scheduler.start()
        // The clock leaps over the 7d and 1d due times; the timerfd fires at once.
        h.advance(to: "2019-10-28T20:00")
        #expect(h.webhook.kinds == ["reminder:1d"])
        #expect(
            try h.states(subscription) == [
                "reminder:7d skipped(superseded)", "reminder:1d sent", "reminder:1h scheduled",
            ])
    }

    @Test func clockJumpBackResendsNothingAndDelaysOnlyByTheJump() throws {
        let h = try SchedulerHarness(now: "2019-10-22T13:00")
        let subscription = try h.subscribe(["daegu"])
        try h.scheduler.start()
        h.advance(to: "2019-10-22T14:00")
        #expect(h.webhook.kinds == ["reminder:7d"])
        // The system clock is set back two hours.
        h.clock.set(Fixtures.korea("2019-10-22T12:00"))
        h.scheduler.wake()
        h.settle()
        #expect(h.webhook.kinds == ["reminder:7d"], "nothing already sent goes again")
        #expect(h.timer.armedFor == Fixtures.korea("2019-10-28T14:00"), "the next due time is unchanged in wall time")
        #expect(try h.states(subscription) == ["reminder:7d sent", "reminder:1d scheduled", "reminder:1h scheduled"])
    }
}
