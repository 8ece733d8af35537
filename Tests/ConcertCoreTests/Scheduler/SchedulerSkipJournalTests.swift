import ConcertCore
import Foundation
import Logging
import Testing

/// A row skipped when it comes due, not by a send's verdict (a duplicate of a message the channel
/// already got), is logged at `notice` once and counted in the `sends finished` summary, as README
/// says of every skipped send.
@Suite(.timeLimit(.minutes(1))) struct SchedulerSkipJournalTests {
    static func skippedInSummaries(_ log: RecordingLogHandler.Entries) -> Int {
        log.all.filter { $0.message == "sends finished" }
            .compactMap { $0.metadata["skipped"].flatMap { Int($0.description) } }.reduce(0, +)
    }

    @Test func aDuplicateSkipIsLoggedAtNoticeAndCounted() throws {
        let (logger, log) = RecordingLogHandler.logger()
        let h = try SchedulerHarness(now: "2019-10-22T13:00", logger: logger)
        let one = try h.subscribe(["daegu"], email: "office@example.org", before: "7d")
        let two = try h.subscribe(["daegu"], email: "office@example.org", before: "7d,1d")
        try h.scheduler.start()
        h.advance(to: "2019-10-22T14:00")
        h.advance(to: "2019-10-22T14:20")
        let states = try [h.states(one)[0], h.states(two)[0]].sorted()
        #expect(states == ["reminder:7d sent", "reminder:7d skipped(duplicate)"])
        let skipped = log.all.filter { $0.message.hasPrefix("skipped") }
        #expect(skipped.map(\.level) == [.notice], "\(log.all.map(\.message))")
        #expect(skipped.first?.metadata["reason"]?.description == "duplicate")
        #expect(skipped.first?.metadata["delivery.id"] != nil)
        #expect(Self.skippedInSummaries(log) == 1)
    }
}
