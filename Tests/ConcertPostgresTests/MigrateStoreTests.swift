import ConcertCore
import ConcertPostgres
import Foundation
import GRDB
import PostgresTestSupport
import Testing

/// `concertd migrate-store`'s copy (``StoreMigration``): a populated SQLite file moved into a new
/// PostgreSQL database reads the same through every store interface, and what must be refused is.
@Suite(.timeLimit(.minutes(3)))
struct MigrateStoreTests {
    static let now = ConcertStoreTests.now
    static let rotation = TokenKeyRotation(signFor: .seconds(30 * 86_400), verifyFor: .seconds(60 * 86_400))
    /// The limit the request waiting for its confirmation was counted against: it is at its limit.
    static let limits = [WebRateLimit(key: "client:x", limit: 1, window: .seconds(3600))]
    /// When the outbox's rows are claimed: the confirmations and the first reminders are due.
    static let sendingTime = ConcertStoreTests.day(3.5)

    /// A SQLite store file as a daemon leaves it, with a row in every table: the catalog's
    /// concerts, subscriptions of every source and channel (an email, a webhook with a signing
    /// secret, an import, web-made ones, one paused, one removed and restored by an undo), a
    /// request waiting for its confirmation, rate counts, token keys, and an outbox with rows
    /// sent, retrying, failed, skipped, scheduled and the rest left `sending` (reminders, a confirmation and a test
    /// message) as a daemon killed in the middle of its sends leaves them.
    static func populatedSQLite() throws -> (path: String, store: AppDatabase) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "migrate-\(UUID().uuidString.prefix(8))")
        let path = folder.appendingPathComponent("concertd.sqlite3").path
        let store = try AppDatabase.open(path: path)
        try store.importCatalog(ConcertStoreTests.catalog, now: now)
        _ = try store.createSubscription(
            try StoreFixtures.email("park@example.org", ["seoul"], label: "park"), now: now)
        _ = try store.createSubscription(try StoreFixtures.email("seo@example.org", ["seoul"]), now: now)
        let (hook, _) = try store.createSubscription(
            try StoreFixtures.webhook(
                ["busan"], format: "generic", secret: "whsec_c2lnbmluZyBzZWNyZXQgb2YgdGhlIGhvb2s=",
                url: "https://hooks.example.org/concerts"), now: now)
        _ = try store.importSubscriptions(
            [
                try StoreFixtures.email("choi@example.org", ["seoul", "busan"], before: "1d"),
                try StoreFixtures.email("jung@example.org", ["busan"], before: "2h"),
            ], now: now)
        let web = try subscribeThroughTheWeb(store, "lee@example.org")
        let undone = try subscribeThroughTheWeb(store, "kang@example.org")
        _ = try store.removeSubscriptions(ids: [undone], reason: "one-click unsubscribe", now: now)
        guard case .restored = try store.undoRemoval(subscriptionID: undone, now: now) else {
            throw StoreError(.invalid, "the removal was not undone")
        }
        #expect(
            try store.requestWebSubscription(
                WebFrontDoorStoreTests.request("req-pending-000001", email: "yoon@example.org"), limits: limits,
                now: now) == .kept)
        _ = try store.webTokenKeys(now: now, rotation: rotation, candidate: .generate(now: now))
        _ = try store.setSubscriptionState(id: web, to: .paused, now: now)
        // The outbox: the confirmations and the first reminders are due; one each of sent,
        // retrying, failed, and the others left sending.
        let at = sendingTime
        let due = try store.dueDeliveries(now: at, limit: 100, excluding: [])
        #expect(due.count >= 4)
        let claimed = try store.claim(due, skipping: [], now: at).sending
        func record(_ index: Int, _ verdict: Verdict, _ state: Delivery.State, next: Date? = nil) -> DeliveryRecord {
            DeliveryRecord(
                delivery: claimed[index].delivery, subscription: claimed[index].subscription,
                outcome: AttemptOutcome(verdict), newState: state, nextAttempt: next, reason: nil,
                error: state == .sent ? nil : verdict.detail,
                finishedAt: at)
        }
        try store.record([
            record(0, .sent(detail: "250 2.0.0 queued"), .sent),
            record(1, .retryable(error: "HTTP 503", retryAfter: nil), .retrying, next: at.addingTimeInterval(60)),
            record(2, .permanent(error: "550 no such user"), .failed),
        ])
        _ = try store.createTestDelivery(subscriptionID: hook.id, now: at)
        return (path, store)
    }

    static func subscribeThroughTheWeb(_ store: AppDatabase, _ email: String) throws -> String {
        let id = "req-\(email.prefix(4))-\(UUID().uuidString.prefix(8))"
        _ = try store.requestWebSubscription(
            WebFrontDoorStoreTests.request(id, email: email, cities: ["busan"]), limits: [], now: now)
        guard
            case .confirmed(let subscription) = try store.confirmWebSubscription(requestID: id, confirm: true, now: now)
        else { throw StoreError(.invalid, "not confirmed") }
        return subscription
    }

    /// A statement on the SQLite file, around the store.
    static func execute(_ store: AppDatabase, _ sql: String, _ arguments: StatementArguments = []) throws {
        try store.writer.write { db in try db.execute(sql: sql, arguments: arguments) }
    }

    /// The first column of each row of a query on the SQLite file, as text.
    static func texts(_ store: AppDatabase, _ sql: String) throws -> [String] {
        try store.writer.read { db in try String.fetchAll(db, sql: sql) }
    }

    static func newTarget() async throws -> PostgresSettings {
        PostgresSettings(url: try await ThrowawayPostgres.shared().makeDatabase())
    }

    /// What the store interfaces show of a store, for comparing both sides of a move.
    struct Views: Equatable {
        var concerts: [StoredConcert]
        var subscriptions: [Subscription]
        var listing: [Subscription]
        var deliveries: [Delivery]
        var upcoming: [Delivery]
        var replies: [Int64: AttemptReply]
        var counters: [String: Int]
        var tokenKeys: [TokenKey]
        var pendingRequests: Int
        var pendingRequest: NewSubscription?
        var sources: [String: Subscription.Source]
        var live: [String?]

        init(_ store: any ConcertdStore, now: Date) throws {
            concerts = try store.concerts()
            subscriptions = try store.subscriptions(city: nil, includeRemoved: true)
            listing = try store.subscriptions(city: nil, after: nil, limit: 1000).map(\.entry)
            deliveries = try store.deliveries(state: nil, subscriptionID: nil, before: nil, limit: 10_000)
            upcoming = try store.upcoming(limit: 10_000)
            replies = try store.lastReplies(deliveryIDs: deliveries.map(\.id))
            counters = try store.counters()
            tokenKeys = try store.webTokenKeys(now: now, rotation: rotation, candidate: .generate(now: now))
            pendingRequests = try store.pendingWebRequestCount(now: now)
            pendingRequest = try store.webRequest(id: "req-pending-000001")
            sources = try store.subscriptionSources(ids: subscriptions.map(\.id))
            live = try subscriptions.map { try store.liveSubscriptionID(from: $0.id) }
        }
    }

    @Test func aPopulatedStoreReadsTheSameAfterTheMove() async throws {
        try ThrowawayPostgres.requireAvailable()
        let (path, sqlite) = try Self.populatedSQLite()
        let settings = try await Self.newTarget()
        let report = try StoreMigration.copy(fromSQLite: path, to: settings)
        let postgres = PostgresStore(settings: settings, instanceName: "a")

        #expect(report.schemaVersion == StoreSchema.migrations.count)
        #expect(try postgres.schemaVersion() == StoreSchema.migrations.count)
        // Every table of the store has rows here, and each was counted on both sides.
        let tables = try Self.texts(
            sqlite,
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite%' "
                + "AND name <> 'grdb_migrations' ORDER BY name")
        #expect(report.tables.map(\.table).sorted() == tables)
        for count in report.tables {
            let rows = try Self.texts(sqlite, "SELECT COUNT(*) FROM \(count.table)").first.flatMap { Int($0) }
            #expect(count.rows == rows, "\(count.table)")
            #expect(count.rows > 0, "\(count.table) has no row to copy in this test")
        }
        let sendingRows = try Self.texts(sqlite, "SELECT COUNT(*) FROM delivery WHERE state = 'sending'")
        #expect(sendingRows == ["\(report.interruptedSends)"] && report.interruptedSends >= 2)

        let before = try Views(sqlite, now: Self.now)
        let after = try Views(postgres, now: Self.now)
        #expect(after.concerts == before.concerts)
        #expect(after.subscriptions == before.subscriptions)
        #expect(after.listing == before.listing)
        #expect(after.deliveries == before.deliveries)
        #expect(after.upcoming == before.upcoming)
        #expect(after.replies == before.replies)
        #expect(after.counters == before.counters)
        #expect(after.tokenKeys == before.tokenKeys)
        #expect(after.pendingRequests == before.pendingRequests && before.pendingRequests == 1)
        #expect(after.pendingRequest == before.pendingRequest && before.pendingRequest != nil)
        #expect(after.sources == before.sources)
        #expect(after.live == before.live)
        #expect(try postgres.catalogInForce() == (try sqlite.catalogInForce()) && (try sqlite.catalogInForce()) != nil)
        let signed = ChannelAddress.webhook(
            url: "https://hooks.example.org/concerts", format: "generic",
            secret: "whsec_c2lnbmluZyBzZWNyZXQgb2YgdGhlIGhvb2s=")
        #expect(after.subscriptions.contains { $0.channel == signed })
        #expect(Set(before.deliveries.map(\.state)) == [.sent, .retrying, .failed, .skipped, .scheduled, .sending])

        // The rate counts came along: the client that made a request is at its limit on both.
        let third = WebFrontDoorStoreTests.request("req-third-0000001", email: "han@example.org")
        let limited = try sqlite.requestWebSubscription(third, limits: Self.limits, now: Self.now)
        guard case .limited = limited else {
            Issue.record("the SQLite side is not at its limit: \(limited)")
            return
        }
        #expect(try postgres.requestWebSubscription(third, limits: Self.limits, now: Self.now) == limited)

        // The rows left sending are taken back by the first instance to start, as SQLite's own
        // recovery takes them back: the same rows, due again, with the same idempotency keys.
        let later = Self.sendingTime.addingTimeInterval(120)
        #expect(try postgres.recoverInterruptedSends(now: later) == report.interruptedSends)
        #expect(try sqlite.recoverInterruptedSends(now: later) == report.interruptedSends)
        let recovered = try postgres.deliveries(state: nil, subscriptionID: nil, before: nil, limit: 10_000)
        #expect(recovered == (try sqlite.deliveries(state: nil, subscriptionID: nil, before: nil, limit: 10_000)))
        #expect(try postgres.counters() == (try sqlite.counters()))

        // Ids go on past the copied ones: a new message and a new subscription on each side get
        // the same id and place.
        let hook = try #require(before.subscriptions.first { $0.channel.channelKind == "webhook" })
        let sqliteTest = try sqlite.createTestDelivery(subscriptionID: hook.id, now: later)
        let postgresTest = try postgres.createTestDelivery(subscriptionID: hook.id, now: later)
        #expect(postgresTest.delivery.id == sqliteTest.delivery.id)
        #expect(postgresTest.delivery.id > (before.deliveries.map(\.id).max() ?? 0))
        #expect(postgresTest.delivery.idempotencyKey == sqliteTest.delivery.idempotencyKey)
        let new = try StoreFixtures.email("new@example.org", ["seoul"])
        _ = try sqlite.createSubscription(new, now: later, confirm: false, id: "sub-after-the-move")
        _ = try postgres.createSubscription(new, now: later, confirm: false, id: "sub-after-the-move")
        let sqliteListing = try sqlite.subscriptions(city: nil, after: nil, limit: 1000).map(\.entry.id)
        #expect(try postgres.subscriptions(city: nil, after: nil, limit: 1000).map(\.entry.id) == sqliteListing)
        #expect(sqliteListing.last == "sub-after-the-move")
    }

    @Test func aTargetHoldingDataIsRefusedAndLeftAsItWas() async throws {
        try ThrowawayPostgres.requireAvailable()
        let (path, _) = try Self.populatedSQLite()
        let settings = try await Self.newTarget()
        let first = try StoreMigration.copy(fromSQLite: path, to: settings)
        let error = try #require(throws: StoreError.self) { try StoreMigration.copy(fromSQLite: path, to: settings) }
        #expect(error.code == .conflict)
        #expect(error.message.contains("already holds a store"))
        let postgres = PostgresStore(settings: settings, instanceName: "a")
        for count in first.tables {
            let rows = try postgres.pool.withConnection {
                try $0.execute("SELECT COUNT(*) FROM \(count.table)").int(0, 0)
            }
            #expect(rows == count.rows, "\(count.table)")
        }

        // One row in any one table is enough: a database an instance has started on holds a key.
        let other = try await Self.newTarget()
        let store = try PostgresStore.open(settings: other, instanceName: "a")
        _ = try store.webTokenKeys(now: Self.now, rotation: Self.rotation, candidate: .generate(now: Self.now))
        let again = try #require(throws: StoreError.self) { try StoreMigration.copy(fromSQLite: path, to: other) }
        #expect(again.message.contains("web_token_key"))
        #expect(try store.pool.withConnection { try $0.execute("SELECT COUNT(*) FROM concert").int(0, 0) } == 0)
    }

    @Test func aRoleThatMayNotCreateTheStoreIsRefusedWithTheFix() async throws {
        try ThrowawayPostgres.requireAvailable()
        let (path, _) = try Self.populatedSQLite()
        let cluster = try await ThrowawayPostgres.shared()
        // The superuser owns the database: a role owning nothing has no CREATE on public.
        var url = try await cluster.makeDatabase()
        let role = "mover_nocreate\(ProcessInfo.processInfo.processIdentifier)"
        let password = "pw-\(UUID().uuidString.prefix(8))"
        try await cluster.createRole(role, password: password)
        let superuser = try PostgresConnection(PostgresSettings(url: url))
        defer { superuser.close() }
        url.user = role
        let settings = PostgresSettings(url: url, password: Secret(password))
        let refused = try #require(throws: StoreCreationRefused.self) {
            try StoreMigration.copy(fromSQLite: path, to: settings)
        }
        #expect(refused.description.contains("postgresql://\(url.serverDescription)"), "\(refused)")
        #expect(refused.description.contains("GRANT CREATE ON SCHEMA public TO \(role)"), "\(refused)")
        #expect(try PostgresStore(settings: settings, instanceName: "a").schemaVersion() == 0)

        try superuser.execute("GRANT CREATE ON SCHEMA public TO \(role)")
        let report = try StoreMigration.copy(fromSQLite: path, to: settings)
        #expect(report.schemaVersion == StoreSchema.migrations.count)
    }

    @Test func aFileOfAnotherSchemaVersionIsRefused() async throws {
        try ThrowawayPostgres.requireAvailable()
        let (path, sqlite) = try Self.populatedSQLite()
        let settings = try await Self.newTarget()
        let last = try #require(StoreSchema.migrations.last)
        try Self.execute(sqlite, "DELETE FROM grdb_migrations WHERE identifier = ?", [last])
        let older = try #require(throws: StoreError.self) { try StoreMigration.copy(fromSQLite: path, to: settings) }
        #expect(older.message.contains("start this concertd once on it"))
        #expect(older.message.contains("schema \(StoreSchema.migrations.count - 1)"))

        try Self.execute(sqlite, "INSERT INTO grdb_migrations (identifier) VALUES (?)", [last])
        try Self.execute(sqlite, "INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')")
        let newer = try #require(throws: StoreError.self) { try StoreMigration.copy(fromSQLite: path, to: settings) }
        #expect(newer.code == .newerSchema)
        // Nothing reached the target: not even its schema.
        let target = PostgresStore(settings: settings, instanceName: "a")
        #expect(try target.schemaVersion() == 0)
    }

    @Test func aTableOrColumnTheCopyDoesNotKnowIsRefused() async throws {
        try ThrowawayPostgres.requireAvailable()
        let (path, sqlite) = try Self.populatedSQLite()
        let settings = try await Self.newTarget()
        try Self.execute(sqlite, "CREATE TABLE notes (text TEXT)")
        let table = try #require(throws: StoreError.self) { try StoreMigration.copy(fromSQLite: path, to: settings) }
        #expect(table.message.contains("notes"))
        try Self.execute(sqlite, "DROP TABLE notes")
        try Self.execute(sqlite, "ALTER TABLE subscription ADD COLUMN nickname TEXT")
        let column = try #require(throws: StoreError.self) { try StoreMigration.copy(fromSQLite: path, to: settings) }
        #expect(column.message.contains("nickname"))
        // Refused before the target was touched.
        let target = PostgresStore(settings: settings, instanceName: "a")
        #expect(try target.schemaVersion() == 0)
    }
}
