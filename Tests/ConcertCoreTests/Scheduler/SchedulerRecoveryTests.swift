import ConcertCore
import Foundation
import GRDB
import Logging
import Testing

/// Crashes, restarts and downtime: nothing lost, no burst of stale messages.
@Suite(.timeLimit(.minutes(1))) struct SchedulerRecoveryTests {
    @Test func sendInterruptedByACrashIsSentAgainWithTheSameKeyAfterRestart() throws {
        let path = Fixtures.temporaryDirectory() + "/concertd.sqlite3"
        let database = try AppDatabase.open(path: path)
        try database.importCatalog(Fixtures.catalog, now: Fixtures.korea("2019-10-01T00:00"))
        let first = try SchedulerHarness(now: "2019-10-22T13:59", database: database, webhook: RecordingChannel(.hang))
        let subscription = try first.subscribe(["daegu"])
        try first.scheduler.start()
        first.advance(to: "2019-10-22T14:00")
        #expect(first.webhook.hangingCount == 1)
        #expect(try first.states(subscription).first == "reminder:7d sending")
        // Crash: the process dies; nothing more is recorded. A new process opens the same file.
        let reopened = try AppDatabase.open(path: path)
        let second = try SchedulerHarness(now: "2019-10-22T14:05", database: reopened)
        #expect(try second.scheduler.start() == 1)
        second.settle()
        #expect(second.webhook.kinds == ["reminder:7d"])
        #expect(
            second.webhook.messages.first?.delivery.idempotencyKey
                == first.webhook.messages.first?.delivery.idempotencyKey)
        #expect(try second.states(subscription).first == "reminder:7d sent")
        let attempts = try reopened.attempts(deliveryID: second.webhook.messages[0].delivery.id)
        #expect(attempts.map(\.outcome) == ["interrupted", "sent"])
    }

    @Test func reminderMissedDuringDowntimeIsSentOnceLate() throws {
        let database = try AppDatabase.inMemory()
        try database.importCatalog(Fixtures.catalog, now: Fixtures.korea("2019-10-01T00:00"))
        let before = try SchedulerHarness(now: "2019-10-01T00:00", database: database)
        let subscription = try before.subscribe(["daegu"])
        // The daemon is down from 1 October until 23 October: the 7d reminder (22 Oct) passed.
        let after = try SchedulerHarness(now: "2019-10-23T09:00", database: database)
        try after.scheduler.start()
        after.settle()
        #expect(after.webhook.kinds == ["reminder:7d"])
        #expect(
            try after.states(subscription) == ["reminder:7d sent", "reminder:1d scheduled", "reminder:1h scheduled"])
    }

    @Test func severalMissedRemindersSendOnlyTheLatest() throws {
        let database = try AppDatabase.inMemory()
        try database.importCatalog(Fixtures.catalog, now: Fixtures.korea("2019-10-01T00:00"))
        let before = try SchedulerHarness(now: "2019-10-01T00:00", database: database)
        let one = try before.subscribe(["daegu"])
        let two = try before.subscribe(["daegu"], webhook: "https://other.example.org/b")
        let after = try SchedulerHarness(now: "2019-10-29T13:30", database: database)
        try after.scheduler.start()
        after.settle()
        #expect(after.webhook.kinds == ["reminder:1h", "reminder:1h"], "one message per subscription, not a burst")
        for subscription in [one, two] {
            #expect(
                try after.states(subscription) == [
                    "reminder:7d skipped(superseded)", "reminder:1d skipped(superseded)", "reminder:1h sent",
                ])
        }
    }

    @Test func remindersOfAConcertThatStartedDuringDowntimeAreMissed() throws {
        let database = try AppDatabase.inMemory()
        try database.importCatalog(Fixtures.catalog, now: Fixtures.korea("2019-10-01T00:00"))
        let before = try SchedulerHarness(now: "2019-10-01T00:00", database: database)
        let subscription = try before.subscribe(["daegu"])
        let after = try SchedulerHarness(now: "2019-10-29T14:30", database: database)
        try after.scheduler.start()
        after.settle()
        #expect(after.webhook.messages.isEmpty)
        #expect(
            try after.states(subscription) == [
                "reminder:7d skipped(superseded)", "reminder:1d skipped(superseded)", "reminder:1h skipped(missed)",
            ])
    }

    @Test func shutdownWaitsForSendsInFlightWithinItsBound() throws {
        let h = try SchedulerHarness(now: "2019-10-22T13:59", webhook: RecordingChannel(.hang))
        let subscription = try h.subscribe(["daegu"])
        try h.scheduler.start()
        h.advance(to: "2019-10-22T14:00")
        #expect(h.webhook.hangingCount == 1)
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.1) { h.webhook.release() }
        #expect(h.scheduler.shutdown(grace: 5) == 0)
        #expect(try h.states(subscription).first == "reminder:7d sent")
    }

    @Test func shutdownGivesUpOnAHungSendAfterItsBoundAndLeavesItForTheNextStart() throws {
        let h = try SchedulerHarness(now: "2019-10-22T13:59", webhook: RecordingChannel(.hang))
        let subscription = try h.subscribe(["daegu"])
        try h.scheduler.start()
        h.advance(to: "2019-10-22T14:00")
        #expect(h.scheduler.shutdown(grace: 0.2) == 1)
        #expect(try h.states(subscription).first == "reminder:7d sending")
    }
}
