import ConcertCore
import Foundation
import Testing

/// The scheduler learns what a store's error means through the store interface alone
/// (`StoreEngineError`): an engine other than SQLite whose errors say they are temporary gets
/// the same care as SQLite's locked or full database.
@Suite(.timeLimit(.minutes(1))) struct SchedulerEngineErrorTests {
    @Test func verdictsAreKeptThroughAnotherEnginesTemporaryErrorAndRecordedOnceItClears() throws {
        var store: EngineFaultSendingStore!
        let h = try SchedulerHarness(now: "2019-10-22T13:00", webhook: RecordingChannel(.hang)) {
            store = EngineFaultSendingStore($0)
            return store
        }
        let subscription = try h.subscribe(["daegu"], webhook: "https://h.example.org/x", before: "7d")
        try h.scheduler.start()
        h.advance(to: "2019-10-22T14:00")
        #expect(h.webhook.hangingCount == 1)

        store.fail(.writes)
        h.webhook.release(.sent(detail: "HTTP 204"))
        h.settle()
        let fault = try #require(h.scheduler.status().storeFault)
        #expect(fault.message == "the connection to the store was lost (fake engine)")
        #expect(h.timer.armedFor == fault.retryAt, "the timer stays armed for the next try")
        #expect(try h.states(subscription) == ["reminder:7d sending"], "the verdict waits in memory")

        h.advance(to: "2019-10-22T14:00:30")
        #expect((h.scheduler.status().storeFault?.failures ?? 0) >= 2)

        store.fail([])
        h.advance(to: "2019-10-22T14:05")
        #expect(h.scheduler.status().storeFault == nil)
        #expect(try h.states(subscription) == ["reminder:7d sent"])
        #expect(h.webhook.messages.count == 1, "nothing sent twice")
    }

    @Test func aConcertThatAnotherEngineCannotReadNowIsRetriedNotFailed() throws {
        var store: EngineFaultSendingStore!
        let h = try SchedulerHarness(now: "2019-10-22T13:00") {
            store = EngineFaultSendingStore($0)
            return store
        }
        let subscription = try h.subscribe(["daegu"], webhook: "https://h.example.org/x", before: "7d")
        store.fail(.concertReads)
        try h.scheduler.start()
        h.advance(to: "2019-10-22T14:00")
        #expect(try h.states(subscription) == ["reminder:7d retrying"])
        let row = try #require(try h.database.deliveries(subscriptionID: subscription.id).first)
        #expect(row.lastError == "the concert could not be read: the connection to the store was lost (fake engine)")
        #expect(h.webhook.messages.isEmpty)
    }
}
