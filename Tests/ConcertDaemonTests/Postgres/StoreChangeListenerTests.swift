import ConcertCore
import ConcertPostgres
import Foundation
import Logging
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
        // One at a time, each given time to wake it: notices heard together make one wake.
        var expected = 1
        for (sender, kind) in [(store, "deliveries"), (other, "deliveries"), (store, "catalog"), (other, "newer-kind")]
        {
            try sender.pool.withConnection { connection in
                _ = try connection.query(
                    "SELECT pg_notify($1, $2)",
                    [.text(StoreChangeNotice.channel), .text("\(kind) \(sender.instanceName)")])
            }
            if sender === other { expected += 1 }
            try await wakes.wait(for: expected)
            try await Task.sleep(for: .milliseconds(300))
            #expect(wakes.count == expected, "after \(kind) from \(sender.instanceName)")
        }
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

extension StoreChangeListenerTests {
    /// A burst of notices from another instance wakes this one's scheduler a few times, not once
    /// per notice: a wake not yet taken absorbs the next.
    @Test func aBurstOfAThousandNoticesWakesTheSchedulerAFewTimes() async throws {
        let url = try await ThrowawayPostgres.shared().makeDatabase()
        let store = try PostgresStore.open(settings: PostgresSettings(url: url), instanceName: "me")
        defer { store.close() }
        let wakes = WakeCount()
        // The wake for the first notice is held (a scheduler busy with a round) while the burst arrives.
        let held = DispatchSemaphore(value: 0)
        let listener = StoreChangeListener(store: store, logger: .quiet) {
            wakes.add()
            if wakes.count == 2 { held.wait() }
        }
        listener.start()
        defer { listener.stop() }
        try await wakes.wait(for: 1)  // connected
        let other = PostgresStore(settings: PostgresSettings(url: url), instanceName: "other")
        defer { other.close() }
        let notify = { @Sendable (count: Int) throws in
            try other.pool.withConnection { connection in
                for index in 0..<count {
                    _ = try connection.query(
                        "SELECT pg_notify($1, $2)",
                        [.text(StoreChangeNotice.channel), .text("deliveries other \(index)")])
                }
            }
        }
        try notify(1)
        try await wakes.wait(for: 2)
        try notify(1000)
        try await Task.sleep(for: .milliseconds(500))
        held.signal()
        try await wakes.wait(for: 3)
        try await Task.sleep(for: .milliseconds(500))
        #expect(wakes.count >= 3 && wakes.count <= 5, "\(wakes.count) wakes for 1,001 notices and a connection")
    }

    /// While the server is away the listener tries again every fraction of a second: the journal
    /// hears of the loss once, with the reason, and of the return once, with how long it was away.
    @Test func aLostListeningConnectionIsLoggedOnceAndItsReturnOnce() async throws {
        let cluster = try await ThrowawayPostgres.start()
        defer { cluster.destroy() }
        let url = try await cluster.makeDatabase()
        let store = try PostgresStore.open(settings: PostgresSettings(url: url), instanceName: "me")
        defer { store.close() }
        let lines = LoggedLines()
        let wakes = WakeCount()
        let listener = StoreChangeListener(
            store: store, logger: lines.logger, backoff: PostgresListener.Backoff(initial: 0.05, maximum: 0.1)
        ) { wakes.add() }
        listener.start()
        defer { listener.stop() }
        try await wakes.wait(for: 1)
        try await cluster.stopServer()
        try await Task.sleep(for: .seconds(2))  // about twenty attempts
        try await cluster.startServer()
        try await wakes.wait(for: 2, timeout: .seconds(20))
        try await Task.sleep(for: .milliseconds(200))
        let warnings = lines.all.filter { $0.level == .warning }
        #expect(warnings.count == 1, "\(warnings.map(\.message))")
        #expect(warnings.first?.metadata["error"] != nil)
        let back = lines.all.filter { $0.level == .notice && $0.message.contains("again") }
        #expect(back.count == 1, "\(lines.all.map(\.message))")
        #expect(back.first?.metadata["away_seconds"] != nil)
    }

    /// The operator changes the role's password and ends its sessions: the loss is logged with the
    /// server's reason, and the refused login of the next attempt once, with its SQLSTATE.
    @Test func aLoginRefusedWhileAwayIsLoggedOnceWithItsReason() async throws {
        let cluster = try await ThrowawayPostgres.shared()
        var url = try await cluster.makeDatabase()
        let role = "listener\(ProcessInfo.processInfo.processIdentifier)"
        let password = "pw-\(UUID().uuidString.prefix(8))"
        try await cluster.createRole(role, password: password)
        let superuser = try PostgresConnection(PostgresSettings(url: url))
        defer { superuser.close() }
        try superuser.execute("ALTER DATABASE \"\(url.database)\" OWNER TO \(role)")
        url.user = role
        let store = try PostgresStore.open(
            settings: PostgresSettings(url: url, password: Secret(password)), instanceName: "me")
        defer { store.close() }
        let lines = LoggedLines()
        let wakes = WakeCount()
        let listener = StoreChangeListener(
            store: store, logger: lines.logger, backoff: PostgresListener.Backoff(initial: 0.05, maximum: 0.1)
        ) { wakes.add() }
        listener.start()
        defer { listener.stop() }
        try await wakes.wait(for: 1)
        try superuser.execute("ALTER ROLE \(role) PASSWORD 'changed-\(password)'")
        try superuser.query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1", [.text(role)])
        try await Task.sleep(for: .seconds(2))  // about twenty attempts, each refused
        let warnings = lines.all.filter { $0.level == .warning }
        #expect(warnings.count == 2, "\(warnings.map { "\($0.message) \($0.metadata)" })")
        let loss = "\(warnings.first?.metadata["error"] ?? "")"
        #expect(loss.contains("terminating connection due to administrator command (PostgreSQL 57P01)"), "\(loss)")
        #expect(warnings.last?.message.contains("refuses the listening connection's login") == true)
        let refusal = "\(warnings.last?.metadata["error"] ?? "")"
        #expect(refusal.contains("password authentication failed") && refusal.contains("28P01"), "\(refusal)")
    }
}

/// What a logger was given, for tests of what reaches the journal.
final class LoggedLines: @unchecked Sendable {
    // @unchecked: `entries` is guarded by `lock`.
    struct Entry {
        var level: Logger.Level
        var message: String
        var metadata: Logger.Metadata
    }

    private let lock = NSLock()
    private var entries: [Entry] = []
    var all: [Entry] { lock.withLock { entries } }

    var logger: Logger {
        Logger(label: "test") { _ in Handler(lines: self) }
    }

    struct Handler: LogHandler {
        let lines: LoggedLines
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            let entry = Entry(level: event.level, message: "\(event.message)", metadata: event.metadata ?? [:])
            lines.lock.withLock { lines.entries.append(entry) }
        }
    }
}
