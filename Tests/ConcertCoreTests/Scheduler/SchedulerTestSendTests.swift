import ConcertCore
import Foundation
import Testing

/// Test messages (`concertctl test`): they take a slot like any send, and free it for the others.
@Suite(.timeLimit(.minutes(1))) struct SchedulerTestSendTests {
    @Test func aReminderThatWaitedForTheSlotOfATestMessageGoesWhenTheTestIsAnswered() throws {
        let h = try SchedulerHarness(now: "2019-10-22T13:59", limits: SendLimits(maximumInFlight: 1))
        let subscription = try h.subscribe(["daegu"], before: "7d")
        try h.scheduler.start()
        h.webhook.script(.hang)
        h.scheduler.sendTest(subscriptionID: subscription.id) { _ in }
        h.settle()
        #expect(h.webhook.hangingCount == 1)
        // The reminder falls due while the only slot is taken.
        h.advance(to: "2019-10-22T14:00")
        #expect(h.webhook.kinds == ["test:0s"])
        h.webhook.release()
        h.settle()
        #expect(h.webhook.kinds == ["test:0s", "reminder:7d"])
        #expect(try h.states(subscription).contains("reminder:7d sent"))
    }

    @Test func aTestAnsweredWhileTheDatabaseIsReadOnlyIsRecordedOnceItIsWritable() throws {
        let (h, _) = try SchedulerHarness.onFile(now: "2019-10-22T13:00", webhook: RecordingChannel(.hang))
        let subscription = try h.subscribe(["daegu"], before: "7d")
        try h.scheduler.start()
        let answered = LockedBox<Verdict?>(nil)
        h.scheduler.sendTest(subscriptionID: subscription.id) { answered.set(try? $0.get()) }
        h.settle()
        try h.database.writer.writeWithoutTransaction { try $0.execute(sql: "PRAGMA query_only = 1") }
        h.webhook.release(.sent(detail: "HTTP 204"))
        h.settle()
        #expect(answered.get() == .sent(detail: "HTTP 204"), "the send is reported: the message went")
        #expect(h.scheduler.status().storeFault != nil)
        try h.database.writer.writeWithoutTransaction { try $0.execute(sql: "PRAGMA query_only = 0") }
        h.advance(to: "2019-10-22T13:01")
        #expect(try h.states(subscription).first == "test:0s sent")
        #expect(h.scheduler.status().storeFault == nil)
    }

    @Test func aSendWithNoChannelOfItsKindSaysWhatToConfigure() throws {
        let h = try SchedulerHarness(now: "2019-10-22T13:00")
        let subscription = try h.subscribe(["daegu"], email: "a@example.org", before: "7d")
        try h.scheduler.start()
        h.scheduler.update(channels: ["webhook": h.webhook], limits: SendLimits(), retry: RetryPolicy())
        let answered = LockedBox<Verdict?>(nil)
        h.scheduler.sendTest(subscriptionID: subscription.id) { answered.set(try? $0.get()) }
        h.settle()
        #expect(
            answered.get()
                == .destinationFailed(
                    error: "no email channel is configured (set smtp_url and mail_from)", retryAfter: nil))
        #expect(h.scheduler.status().failingDestinations.map(\.destination) == ["smtp"])
    }
}
