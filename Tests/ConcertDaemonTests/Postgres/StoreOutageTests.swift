import ConcertCore
import ConcertPostgres
import ConcertProtocol
import Foundation
import PostgresTestSupport
import Testing

@testable import ConcertDaemon

/// The PostgreSQL server going away under a running daemon: `status` answers at once from what
/// the daemon holds, says the store is unreachable since when and why, and marks what it could
/// not read; every other method answers `unavailable` naming the store, in bounded time; the
/// daemon carries on when the server is back.
@Suite(.serialized, .timeLimit(.minutes(3))) struct StoreOutageTests {
    func status(_ daemon: TestDaemon) throws -> StatusResult {
        let client = try RawControlClient(path: daemon.socketPath)
        try client.send(ControlMethods.status, NoParams(), id: 1)
        return try client.readReply(timeout: 15).decodeResult(as: StatusResult.self)
    }

    func exchange(_ daemon: TestDaemon, _ method: String, _ params: String) throws -> ControlReply {
        let client = try RawControlClient(path: daemon.socketPath)
        client.send(line: #"{"jsonrpc":"2.0","id":1,"method":"\#(method)","params":\#(params)}"#)
        return try client.readReply(timeout: 15)
    }

    @Test func statusAnswersFromMemoryWhileTheServerIsAwayAndEveryOtherMethodSaysTheStoreIsUnavailable()
        async throws
    {
        let cluster = try await ThrowawayPostgres.start()
        defer { cluster.destroy() }
        let url = try await cluster.makeDatabase()
        let daemon = try await TestDaemon.onPostgres(url, instance: "east-1")
        defer { daemon.remove() }
        let before = try status(daemon)
        #expect(before.notRead == nil)
        #expect(before.store?.unreachableSince == nil)
        #expect(!before.counts.concerts.isEmpty)

        try await cluster.stopServer()
        for attempt in 1...2 {
            let started = ContinuousClock.now
            let during = try status(daemon)
            #expect(ContinuousClock.now - started < .seconds(3), "status \(attempt) took too long")
            #expect(during.notRead == ["counts", "next_due"], "\(attempt): \(String(describing: during.notRead))")
            #expect(during.counts.concerts.isEmpty && during.counts.deliveries.isEmpty)
            let store = try #require(during.store)
            #expect(store.engine == "postgresql" && store.instanceName == "east-1")
            #expect(store.unreachableSince != nil)
            #expect(store.unreachableReason?.contains("PostgreSQL") == true, "\(String(describing: store))")
        }
        let text = await runCtl(["--socket", daemon.socketPath, "status"])
        #expect(text.status == 0, "\(text.error)")
        #expect(
            text.output.contains(
                "store          postgresql 127.0.0.1:\(url.effectivePort)/\(url.database), instance east-1 — UNREACHABLE since "
            ),
            "\(text.output)")
        #expect(text.output.contains("failing        the store (see store)"), "\(text.output)")
        #expect(!text.output.contains("failing        none"), "\(text.output)")
        #expect(text.output.contains("concerts       not read: the store cannot be reached"), "\(text.output)")
        #expect(text.output.contains("next due       not read: the store cannot be reached"), "\(text.output)")
        let json = await runCtl(["--socket", daemon.socketPath, "status", "--json"])
        #expect(json.output.contains(#""unreachable_since""#), "\(json.output)")
        #expect(json.output.contains(#""not_read""#), "\(json.output)")

        // The watchdog keeps being answered: a restart would not bring the server back, and would
        // lose the verdicts the daemon holds.
        let liveness = daemon.daemon.checkLiveness()
        #expect(liveness.isAlive, "\(liveness.problems)")
        #expect(liveness.notes.contains { $0.contains("cannot be reached") }, "\(liveness.notes)")

        // Every method that needs the store: a clear refusal naming it, in bounded time.
        let methods: [(String, String)] = [
            ("concerts", "{}"), ("subscriptions", #"{"limit":10}"#), ("upcoming", #"{"limit":10}"#),
            ("deliveries", #"{"limit":10}"#), ("pause", #"{"id":"sub-x"}"#),
            ("subscribe", #"{"cities":["busan"],"email":"a@example.org","quiet":true}"#),
            ("concert.cancel", #"{"id":"c-x"}"#), ("retry", #"{"id":1}"#),
        ]
        for (method, params) in methods {
            let started = ContinuousClock.now
            let reply = try exchange(daemon, method, params)
            #expect(ContinuousClock.now - started < .seconds(12), "\(method) took too long")
            #expect(reply.error?.code == .unavailable, "\(method): \(reply)")
            #expect(reply.error?.message.contains("PostgreSQL") == true, "\(method): \(reply)")
        }

        try await cluster.startServer()
        let deadline = ContinuousClock.now + .seconds(30)
        var after = try status(daemon)
        while after.notRead != nil, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(200))
            after = try status(daemon)
        }
        #expect(after.notRead == nil)
        #expect(after.store?.unreachableSince == nil)
        #expect(after.counts.concerts == before.counts.concerts)
    }
}
