import ConcertCore
import ConcertProtocol
import Foundation
import GRDB
import Testing

@testable import ConcertDaemon

/// What the operator sees of deliveries: a test answered 410, reminders never planned, when a row
/// was sent and what the receiver answered, the next attempt of a row being retried, a duplicate
/// subscription, and the database error while the outbox cannot be written.
@Suite(.serialized, .timeLimit(.minutes(1))) struct DaemonDeliveryReportTests {
    func ctl(_ daemon: TestDaemon, _ arguments: String...) async -> CtlRun {
        await runCtl(arguments + ["--socket", daemon.socketPath])
    }

    func json(_ run: CtlRun) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any])
    }

    /// Runs `body` on the daemon's writer connection, from synchronous code (GRDB's async variant
    /// is preferred in an async context).
    func onWriter(_ daemon: TestDaemon, _ body: @escaping (Database) throws -> Void) throws {
        try daemon.sqlite.writer.writeWithoutTransaction(body)
    }

    func subscribe(_ daemon: TestDaemon, _ arguments: String...) async throws -> String {
        let run = await runCtl(["subscribe"] + arguments + ["--quiet", "--json", "--socket", daemon.socketPath])
        #expect(run.status == 0, "\(run.error)")
        return try #require(try json(run)["id"] as? String)
    }

    @Test func aTestAnswered410SaysTheSubscriptionIsDisabledAndHowToResumeIt() async throws {
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        let gone = try AnsweringListener(status: 410, reason: "Gone")
        defer { gone.stop() }
        let id = try await subscribe(daemon, "busan", "--webhook", "http://127.0.0.1:\(gone.port)/hook")
        let run = await ctl(daemon, "test", id, "--json")
        #expect(run.status == 1)
        #expect(try json(run)["subscription_disabled"] as? Bool == true)
        #expect(try daemon.daemon.database.subscription(id: id)?.state == .disabled)
        let text = await ctl(daemon, "test", id)
        #expect(text.error.contains("\(id): not delivered: HTTP 410"))
        #expect(text.error.contains("\(id) is now disabled") && text.error.contains("concertctl resume \(id)"))
        #expect(await ctl(daemon, "resume", id).status == 0)
    }

    @Test func aTestAnswered500SaysNothingOfDisabling() async throws {
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        let failing = try AnsweringListener(status: 500, reason: "Internal Server Error")
        defer { failing.stop() }
        let id = try await subscribe(daemon, "busan", "--webhook", "http://127.0.0.1:\(failing.port)/hook")
        let run = await ctl(daemon, "test", id, "--json")
        #expect(run.status == 1)
        #expect(try json(run)["subscription_disabled"] == nil)
        #expect(try daemon.daemon.database.subscription(id: id)?.state == .active)
    }

    @Test func remindersWhoseMomentHadPassedAreNamedAtSubscribeAndInTheListing() async throws {
        // Two hours before Daegu's concert: its 7d and 1d reminders cannot be planned.
        let daemon = try TestDaemon(clockStart: "2019-10-29T12:00")
        defer { daemon.remove() }
        let run = await ctl(daemon, "subscribe", "daegu", "--email", "a@example.org", "--quiet", "--json")
        let reply = try json(run)
        let id = try #require(reply["id"] as? String)
        let warnings = try #require(reply["warnings"] as? [String])
        #expect(warnings.contains { $0.hasPrefix("7d reminder of daegu-2019") && $0.contains("not planned") })
        #expect(warnings.contains { $0.hasPrefix("1d reminder of daegu-2019") })
        #expect(!warnings.contains { $0.hasPrefix("1h reminder") })
        let listing = try json(await ctl(daemon, "deliveries", "--subscription", id, "--json"))
        let unplanned = try #require(listing["not_planned"] as? [[String: Any]])
        #expect(unplanned.map { $0["offset"] as? String } == ["7d", "1d"])
        #expect(unplanned.first?["due"] as? String == "2019-10-22T14:00:00+09:00")
        #expect(unplanned.first?["reason"] as? String == "its moment had passed when the subscription was made")
        let text = await ctl(daemon, "deliveries", "--subscription", id)
        #expect(text.output.contains("not planned: 7d reminder of daegu-2019 (due 2019-10-22 14:00)"))
        #expect(try json(await ctl(daemon, "deliveries", "--json"))["not_planned"] == nil)
    }

    @Test func sentRowsShowWhenAndTheReceiversAnswerAndRetryingRowsTheirNextAttempt() async throws {
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        let fine = try AnsweringListener(status: 204, reason: "No Content")
        defer { fine.stop() }
        let id = try await subscribe(daemon, "busan", "--webhook", "http://127.0.0.1:\(fine.port)/hook")
        #expect(await ctl(daemon, "test", id).status == 0)
        let sent = try #require(
            (try json(await ctl(daemon, "deliveries", "--state", "sent", "--json"))["deliveries"] as? [[String: Any]])?
                .first)
        #expect(sent["reply"] as? String == "HTTP 204")
        #expect(sent["reply_code"] as? Int == 204)
        #expect((sent["finished"] as? String)?.hasPrefix("2019-10-20T00:0") == true)
        #expect(sent["next_attempt"] == nil)
        // A row being retried: its next attempt, and the answer that put it off.
        let row = try #require(try daemon.daemon.database.upcoming(limit: 1).first)
        guard case .instant(let next)? = KoreaTime.parseMoment("2019-10-21T09:30+09:00") else { return }
        try onWriter(daemon) { db in
            try db.execute(
                sql: "UPDATE delivery SET state = 'retrying', attempts = 1, next_attempt_at = ? WHERE id = ?",
                arguments: [Int64(next.timeIntervalSince1970 * 1000), row.id])
            try db.execute(
                sql: """
                    INSERT INTO attempt (delivery_id, number, started_at, finished_at, outcome, detail)
                    VALUES (?, 1, 0, 0, 'retryable', 'HTTP 503: busy')
                    """,
                arguments: [row.id])
        }
        let upcoming = try #require(
            (try json(await ctl(daemon, "upcoming", "--json"))["deliveries"] as? [[String: Any]])?
                .first { $0["id"] as? Int == Int(row.id) })
        #expect(upcoming["next_attempt"] as? String == "2019-10-21T09:30:00+09:00")
        #expect(upcoming["reply_code"] as? Int == 503)
        let text = await ctl(daemon, "upcoming")
        #expect(text.output.contains("next 2019-10-21 09:30"))
    }

    @Test func theSameSubscriptionTwiceIsAConflictNamingTheFirst() async throws {
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        let id = try await subscribe(daemon, "busan", "daegu", "--email", "a@example.org", "--before", "1d,1h")
        let again = await ctl(
            daemon, "subscribe", "daegu", "busan", "--email", "A@example.org", "--before", "1h,1d", "--label", "x")
        #expect(again.status == 1)
        #expect(again.error.contains(id) && again.error.contains("[conflict]"))
        _ = try await subscribe(daemon, "busan", "--email", "a@example.org", "--before", "1d,1h")
    }

    @Test func statusShowsTheDatabaseErrorWhileTheOutboxCannotBeWritten() async throws {
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        let hanging = try HangingListener()
        _ = try await subscribe(daemon, "busan", "--webhook", "http://127.0.0.1:\(hanging.port)/hook")
        try onWriter(daemon) { try $0.execute(sql: "PRAGMA query_only = 1") }
        daemon.daemon.scheduler.wake()
        daemon.daemon.scheduler.queue.sync {}
        let status = try json(await ctl(daemon, "status", "--json"))
        let error = try #require(status["store_error"] as? [String: Any])
        #expect((error["message"] as? String)?.contains("readonly") == true)
        #expect(error["since"] is String && error["retrying_at"] is String)
        let text = await ctl(daemon, "status")
        #expect(text.output.contains("DATABASE ERROR attempt to write a readonly database"))
        // A request that must write says why it cannot, rather than an internal error.
        let refused = await ctl(daemon, "subscribe", "daegu", "--email", "b@example.org", "--quiet")
        #expect(refused.status == 1)
        #expect(refused.error.contains("the database cannot be used now: attempt to write a readonly database"))
        #expect(refused.error.contains("[unavailable]"))
        try onWriter(daemon) { try $0.execute(sql: "PRAGMA query_only = 0") }
    }
}

/// A webhook host refusing connections, met through real libcurl transfers.
@Suite(.serialized, .timeLimit(.minutes(1))) struct DaemonWebhookHostTests {
    @Test func aHostRefusingEveryConnectionShowsInStatusWithItsErrorAndSinceWhen() async throws {
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        // Port 9 (discard) is closed here: every connection is refused.
        var ids: [String] = []
        for path in ["a", "b", "c"] {
            let run = await runCtl([
                "subscribe", "busan", "--webhook", "http://127.0.0.1:9/\(path)", "--quiet", "--json", "--socket",
                daemon.socketPath,
            ])
            ids.append(
                try #require(
                    (try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any])?["id"] as? String)
            )
        }
        for id in ids.prefix(2) { _ = await runCtl(["test", id, "--socket", daemon.socketPath]) }
        #expect(daemon.daemon.scheduler.status().failingDestinations.isEmpty, "two messages are not yet a host")
        _ = await runCtl(["test", ids[2], "--socket", daemon.socketPath])
        let run = await runCtl(["status", "--json", "--socket", daemon.socketPath])
        let status = try #require(try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any])
        let failing = try #require((status["failing_destinations"] as? [[String: Any]])?.first)
        #expect(failing["destination"] as? String == "127.0.0.1:9")
        #expect(failing["failures"] as? Int == 3)
        #expect((failing["last_error"] as? String)?.lowercased().contains("connect") == true, "\(failing)")
        #expect((failing["since"] as? String)?.hasPrefix("2019-10-20T00:0") == true)
        let text = await runCtl(["status", "--socket", daemon.socketPath])
        #expect(text.output.contains("failing        127.0.0.1:9: 3 failures since 2019-10-20"))
    }
}
