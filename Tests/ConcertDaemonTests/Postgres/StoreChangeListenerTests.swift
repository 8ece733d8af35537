import ConcertCore
import ConcertPostgres
import Foundation
import PostgresTestSupport
import Testing

@testable import ConcertDaemon

/// A change made through one instance reaches the others through `LISTEN`/`NOTIFY`: a
/// subscription stored by one is sent by another, whose scheduler nothing else would wake.
@Suite(.serialized, .timeLimit(.minutes(2))) struct StoreChangeListenerTests {
    @Test func aSubscriptionStoredThroughOneInstanceIsSentByAnotherWokenByItsNotice() async throws {
        let sink = try WebhookSink()
        defer { sink.stop() }
        let url = try await ThrowawayPostgres.shared().makeDatabase()
        let a = try await TestDaemon.onPostgres(url, instance: "a")
        defer { a.remove() }
        let b = try await TestDaemon.onPostgres(url, instance: "b")
        defer { b.remove() }
        // Let both listeners connect (each wakes its scheduler once when it does).
        try await Task.sleep(for: .milliseconds(500))
        // Stored through a's store, not its socket: a's scheduler is not woken by the request,
        // and a passes over its own notice. Only b, woken by the notice, can send the confirmation.
        _ = try a.daemon.database.createSubscription(
            NewSubscription(
                channel: .webhook(
                    url: "http://127.0.0.1:\(sink.port)/hook", format: "generic",
                    secret: ControlCtlBackupTests.secret),
                cities: ["busan"]),
            now: a.daemon.clock.now())
        let deadline = ContinuousClock.now + .seconds(20)
        while sink.requests < 1, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(sink.requests == 1, "the confirmation was sent")
        let senders = try b.postgres.pool.withConnection { connection in
            let rows = try connection.query("SELECT instance FROM attempt")
            return rows.map { rows.text($0, 0) }
        }
        #expect(senders == ["b"])
    }

    @Test func aNoticeOfItsOwnInstanceIsPassedOverAndAnotherOnesWakes() async throws {
        let url = try await ThrowawayPostgres.shared().makeDatabase()
        let store = try PostgresStore.open(settings: PostgresSettings(url: url), instanceName: "me")
        defer { store.close() }
        let wakes = WakeCount()
        let listener = StoreChangeListener(store: store, logger: .quiet) { wakes.add() }
        listener.start()
        defer { listener.stop() }
        try await wakes.wait(for: 1)  // connected
        let other = PostgresStore(settings: PostgresSettings(url: url), instanceName: "other")
        defer { other.close() }
        for (sender, kind) in [(store, "deliveries"), (other, "deliveries"), (store, "catalog"), (other, "newer-kind")]
        {
            try sender.pool.withConnection { connection in
                _ = try connection.query(
                    "SELECT pg_notify($1, $2)",
                    [.text(StoreChangeNotice.channel), .text("\(kind) \(sender.instanceName)")])
            }
        }
        try await wakes.wait(for: 3)
        try await Task.sleep(for: .milliseconds(300))
        #expect(wakes.count == 3, "the two notices of the other instance woke it, its own did not")
    }
}

extension StoreChangeListenerTests {
    /// Notices sent while the listening connection was lost are lost: when it is made again, the
    /// scheduler is woken to read the store afresh.
    @Test func aListenerConnectedAgainAfterTheServerCameBackWakesTheScheduler() async throws {
        let cluster = try await ThrowawayPostgres.start()
        defer { cluster.destroy() }
        let url = try await cluster.makeDatabase()
        let store = try PostgresStore.open(settings: PostgresSettings(url: url), instanceName: "me")
        defer { store.close() }
        let wakes = WakeCount()
        let listener = StoreChangeListener(
            store: store, logger: .quiet, backoff: PostgresListener.Backoff(initial: 0.1, maximum: 0.5)
        ) { wakes.add() }
        listener.start()
        defer { listener.stop() }
        try await wakes.wait(for: 1)
        #expect(wakes.count == 1, "woken once when it first listened")
        try await cluster.stopServer()
        try await Task.sleep(for: .milliseconds(500))
        #expect(wakes.count == 1, "nothing to read while the server is away")
        try await cluster.startServer()
        try await wakes.wait(for: 2, timeout: .seconds(20))
        #expect(wakes.count == 2, "woken again when it listens again")
    }
}

/// How many times a listener woke its scheduler.
final class WakeCount: @unchecked Sendable {
    // @unchecked: `value` is guarded by `lock`.
    private let lock = NSLock()
    private var value = 0
    var count: Int { lock.withLock { value } }
    func add() { lock.withLock { value += 1 } }

    func wait(for count: Int, timeout: Duration = .seconds(10)) async throws {
        let deadline = ContinuousClock.now + timeout
        while self.count < count, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
    }
}
