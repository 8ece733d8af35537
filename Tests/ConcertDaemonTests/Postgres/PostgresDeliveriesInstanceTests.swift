import ConcertCore
import ConcertPostgres
import Foundation
import PostgresTestSupport
import Testing

@testable import ConcertDaemon

/// `concertctl deliveries` names the instance that made each row's last attempt on PostgreSQL,
/// where several instances share the outbox; on SQLite, one daemon's file, it shows nothing of
/// the kind.
@Suite(.serialized, .timeLimit(.minutes(3))) struct PostgresDeliveriesInstanceTests {
    func ctl(_ daemon: TestDaemon, _ arguments: String...) async -> CtlRun {
        await runCtl(arguments + ["--socket", daemon.socketPath])
    }

    func json(_ run: CtlRun) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any])
    }

    /// Subscribes a webhook on `daemon` and sends it a test message, answered 204.
    func sendATest(_ daemon: TestDaemon, to listener: AnsweringListener) async throws {
        let run = await ctl(
            daemon, "subscribe", "busan", "--webhook", "http://127.0.0.1:\(listener.port)/hook", "--quiet", "--json")
        #expect(run.status == 0, "\(run.error)")
        let id = try #require(try json(run)["id"] as? String)
        #expect(await ctl(daemon, "test", id).status == 0)
    }

    @Test func deliveriesNameTheInstanceOfTheLastAttemptOnPostgreSQL() async throws {
        let url = try await ThrowawayPostgres.shared().makeDatabase()
        let daemon = try await TestDaemon.onPostgres(url, instance: "east-1")
        defer { daemon.remove() }
        let listener = try AnsweringListener(status: 204, reason: "No Content")
        defer { listener.stop() }
        try await sendATest(daemon, to: listener)

        let listing = try json(await ctl(daemon, "deliveries", "--json"))
        let rows = try #require(listing["deliveries"] as? [[String: Any]])
        let sent = try #require(rows.first { $0["state"] as? String == "sent" })
        #expect(sent["instance"] as? String == "east-1", "\(sent)")
        #expect(rows.filter { ($0["attempts"] as? Int) == 0 }.allSatisfy { $0["instance"] == nil })
        #expect(listing["shared_by_instances"] as? Bool == true)

        let text = await ctl(daemon, "deliveries")
        let lines = text.output.split(separator: "\n").map(String.init)
        let header = try #require(lines.first)
        #expect(header.contains("INSTANCE"), "\(text.output)")
        let sentLine = try #require(lines.first { $0.contains(" sent ") }, "\(text.output)")
        #expect(sentLine.contains("east-1"), "\(text.output)")
    }

    @Test func deliveriesOnSQLiteNameNoInstance() async throws {
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        let listener = try AnsweringListener(status: 204, reason: "No Content")
        defer { listener.stop() }
        try await sendATest(daemon, to: listener)
        let listing = try json(await ctl(daemon, "deliveries", "--json"))
        let rows = try #require(listing["deliveries"] as? [[String: Any]])
        #expect(rows.contains { $0["state"] as? String == "sent" })
        #expect(rows.allSatisfy { $0["instance"] == nil })
        #expect(listing["shared_by_instances"] == nil)
        let text = await ctl(daemon, "deliveries")
        #expect(!text.output.contains("INSTANCE"), "\(text.output)")
    }
}
