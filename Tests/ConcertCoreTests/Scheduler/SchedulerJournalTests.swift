import ConcertCore
import Foundation
import Logging
import Testing

/// What the scheduler writes to the journal: each send's verdict once, sends at `debug` so a
/// fan-out does not flood it, retries at `notice`, failures at `warning`, and one `info` summary
/// when a round of sends drains.
@Suite(.timeLimit(.minutes(1))) struct SchedulerJournalTests {
    @Test func aFanOutLogsEachSendAtDebugAndOneSummaryAtInfo() throws {
        let (logger, log) = RecordingLogHandler.logger()
        let h = try SchedulerHarness(now: "2019-10-22T13:00", logger: logger)
        for index in 0..<5 {
            _ = try h.subscribe(["daegu"], webhook: "https://h\(index).example.org/x", before: "7d")
        }
        try h.scheduler.start()
        let before = log.all.count
        h.advance(to: "2019-10-22T14:00")
        let entries = log.all.dropFirst(before)
        let sent = entries.filter { $0.message == "sent" }
        #expect(sent.count == 5)
        #expect(sent.allSatisfy { $0.level == .debug })
        #expect(Set(sent.compactMap { $0.metadata["delivery.id"]?.description }).count == 5)
        #expect(sent.first?.metadata["reply"]?.description == "recorded")
        let above = entries.filter { $0.level > .debug }
        #expect(above.map(\.message) == ["sends finished"])
        #expect(above.first?.level == .info)
        #expect(above.first?.metadata["sent"]?.description == "5")
    }

    @Test func aRetryIsLoggedAtNoticeAndAFailureAtWarningOnce() throws {
        let (logger, log) = RecordingLogHandler.logger()
        let h = try SchedulerHarness(now: "2019-10-22T13:00", logger: logger)
        h.webhook.script(
            .answer(.retryable(error: "HTTP 503", retryAfter: nil)), .answer(.permanent(error: "HTTP 400: bad")))
        _ = try h.subscribe(["daegu"], webhook: "https://a.example.org/x", before: "7d")
        _ = try h.subscribe(["daegu"], webhook: "https://b.example.org/x", before: "7d")
        try h.scheduler.start()
        h.advance(to: "2019-10-22T14:00")
        let retry = log.all.filter { $0.message == "send failed; will retry" }
        #expect(retry.map(\.level) == [.notice])
        #expect(retry.first?.metadata["error"]?.description == "HTTP 503")
        #expect(retry.first?.metadata["next_attempt"] != nil)
        let failed = log.all.filter { $0.message == "delivery failed" }
        #expect(failed.map(\.level) == [.warning])
        #expect(failed.first?.metadata["error"]?.description == "HTTP 400: bad")
        let summary = log.all.filter { $0.message == "sends finished" }
        #expect(summary.map { $0.metadata["retrying"]?.description } == ["1"])
        #expect(summary.map { $0.metadata["failed"]?.description } == ["1"])
    }
}
