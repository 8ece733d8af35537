import Foundation
import Testing

@testable import ConcertCore

/// The scheduler's books on their own, without a queue, a store or a clock: the records waiting to
/// be written, the sends in flight, and the store's fault.
@Suite struct SchedulerBooksTests {
    let now = Date(timeIntervalSince1970: 1_700_000_000)

    func record(_ state: Delivery.State, next: Date? = nil) -> DeliveryRecord {
        let sample = OutboundMessage.sample(url: "https://hooks.example/hook")
        return DeliveryRecord(
            delivery: sample.delivery, subscription: sample.subscription, outcome: .sent("HTTP 204"), newState: state,
            nextAttempt: next, reason: nil, error: nil, finishedAt: now)
    }

    @Test func aRoundOfVerdictsQueuesOnePassAndItWritesThemAll() {
        var waiting = WaitingRecords()
        let firstQueuesAPass = waiting.add(record(.sent))
        #expect(firstQueuesAPass)
        let secondQueuesAPass = waiting.add(record(.sent))
        #expect(!secondQueuesAPass)
        #expect(waiting.count == 2)
        let passHasRecords = waiting.passRuns()
        #expect(passHasRecords)
        waiting.removeAll()
        #expect(waiting.isEmpty)
        // The next verdict after the pass ran queues a pass again.
        let nextQueuesAPass = waiting.add(record(.sent))
        #expect(nextQueuesAPass)
    }

    @Test func aPassWithNothingLeftToWriteDoesNothing() {
        var waiting = WaitingRecords()
        let queuesAPass = waiting.add(record(.sent))
        #expect(queuesAPass)
        waiting.removeAll()  // a claim took the record along
        let passHasRecords = waiting.passRuns()
        #expect(!passHasRecords)
    }

    @Test func aTestMessagesRecordQueuesNoPass() {
        var waiting = WaitingRecords()
        waiting.addForThisPass(record(.failed))
        // A verdict arriving next still queues the pass that writes it.
        let verdictQueuesAPass = waiting.add(record(.sent))
        #expect(verdictQueuesAPass)
        #expect(waiting.count == 2)
    }

    @Test func onlyRetriesGiveTheMomentsTheyFallDue() {
        var waiting = WaitingRecords()
        _ = waiting.add(record(.sent))
        _ = waiting.add(record(.retrying, next: now + 30))
        _ = waiting.add(record(.failed))
        #expect(waiting.retryTimes == [now + 30])
    }

    @Test func sendsInFlightAreCountedByDestination() {
        var sends = InFlightSends()
        sends.began(to: "a")
        sends.began(to: "a")
        sends.began(to: "b")
        #expect(sends.count == 3)
        #expect(sends.byDestination == ["a": 2, "b": 1])
        sends.ended(to: "a")
        sends.ended(to: "b")
        #expect(sends.count == 1)
        #expect(sends.byDestination == ["a": 1])
    }

    @Test func aStoreFaultBacksOffUntilACallSucceeds() {
        var backoff = StoreFaultBackoff()
        let first = backoff.failed("disk I/O error", now: now)
        #expect(first.failures == 1)
        #expect(first.since == now)
        #expect(first.retryAt == now + StoreFault.delay(afterFailures: 1))
        let second = backoff.failed("database is locked", now: now + 1)
        #expect(second.failures == 2)
        #expect(second.since == now)
        #expect(second.message == "database is locked")
        #expect(second.retryAt == now + 1 + StoreFault.delay(afterFailures: 2))
        let ended = backoff.recovered()
        #expect(ended?.failures == 2)
        #expect(backoff.fault == nil)
        let endedAgain = backoff.recovered()
        #expect(endedAgain == nil)
    }
}
