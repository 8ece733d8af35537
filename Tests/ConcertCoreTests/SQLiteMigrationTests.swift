import Foundation
import GRDB
import Testing

@testable import ConcertCore

@Suite struct SQLiteMigrationTests {
    @Test func freshDatabaseIsCreatedInWALModeAtTheLatestSchema() throws {
        let directory = Fixtures.temporaryDirectory()
        let path = directory + "/state/concertd.sqlite3"
        let database = try AppDatabase.open(path: path)
        #expect(try database.schemaVersion() == SchemaMigrations.migrator.migrations.count)
        let mode = try database.writer.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
        let userVersion = try database.writer.read { db in try Int.fetchOne(db, sql: "PRAGMA user_version") }
        #expect(userVersion == SchemaMigrations.migrator.migrations.count)
    }

    /// A database file at schema `migration` holding one subscription, `sub-old`; returns its path.
    static func olderDatabase(upTo migration: String) throws -> String {
        let path = Fixtures.temporaryDirectory() + "/concertd.sqlite3"
        let queue = try DatabaseQueue(path: path)
        try SchemaMigrations.migrator.migrate(queue, upTo: migration)
        try queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO subscription (id, channel, target, destination, cities, offsets, lang, state,
                        created_at, updated_at)
                    VALUES ('sub-old', 'email', 'a@example.org', 'smtp', 'busan', '86400', 'ko', 'active', 0, 0)
                    """)
        }
        return path
    }

    @Test func olderDatabaseIsUpgradedAndKeepsItsData() throws {
        let path = try Self.olderDatabase(upTo: "v1-concerts-subscriptions")
        #expect(try DatabaseQueue(path: path).read { db in try db.tableExists("delivery") } == false)
        let database = try AppDatabase.open(path: path)
        #expect(try database.schemaVersion() == SchemaMigrations.migrator.migrations.count)
        #expect(try database.subscription(id: "sub-old")?.channel == .email("a@example.org"))
        #expect(try database.writer.read { db in try db.tableExists("delivery") })
    }

    @Test func aDatabaseOfSchemaV3KeepsItsIdempotencyKeysAndCounters() throws {
        let path = Fixtures.temporaryDirectory() + "/concertd.sqlite3"
        let now = Fixtures.korea("2019-10-01T00:00")
        var stored: [Int64: String] = [:]
        do {
            let queue = try DatabaseQueue(path: path)
            try SchemaMigrations.migrator.migrate(queue, upTo: "v3-running-counters")
            let concert = Fixtures.catalog.concert(id: "busan-2019")!
            let body = String(decoding: try JSONEncoder().encode(concert), as: UTF8.self)
            try queue.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO concert (id, origin, status, starts_at, ends_at, reminder_deadline, time_announced,
                            body, created_at, updated_at)
                        VALUES ('busan-2019', 'catalog', 'scheduled', 0, 0, 0, 1, ?, 0, 0);
                        INSERT INTO concert_city (city_id, concert_id) VALUES ('busan', 'busan-2019');
                        INSERT INTO subscription (id, channel, target, destination, cities, offsets, lang, state,
                            created_at, updated_at)
                        VALUES ('sub-old', 'email', 'a@example.org', 'smtp', 'busan', '86400', 'ko', 'active', 0, 0);
                        INSERT INTO delivery (subscription_id, concert_id, concert_revision, kind, offset_seconds,
                            due_at, state, idempotency_key, created_at)
                        VALUES
                            ('sub-old', 'busan-2019', 2, 'reminder', 86400, 0, 'scheduled',
                                'sub-old_busan-2019_r2_reminder_86400', 0),
                            ('sub-old', 'busan-2019', 2, 'confirmation', 0, 0, 'sent',
                                'sub-old_busan-2019_r2_confirmation_0', 0);
                        """, arguments: [body])
                for row in try Row.fetchAll(db, sql: "SELECT id, idempotency_key FROM delivery") {
                    stored[row["id"]] = row["idempotency_key"]
                }
            }
            try queue.close()
        }
        let database = try AppDatabase.open(path: path)
        #expect(try database.schemaVersion() == SchemaMigrations.migrator.migrations.count)
        let columns = try database.writer.read { db in try db.columns(in: "delivery").map(\.name) }
        #expect(!columns.contains("idempotency_key"))
        for (id, key) in stored {
            #expect(try database.delivery(id: id)?.idempotencyKey == key)
        }
        #expect(try database.counters()["delivery.scheduled"] == 1)
        #expect(try database.counters()["subscription.active"] == 1)
        _ = try database.createSubscription(
            NewSubscription(channel: .email("b@example.org"), cities: ["busan"]), now: now)
        #expect(try database.counters()["subscription.active"] == 2)
        let scheduled = try database.writer.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM delivery WHERE state = 'scheduled'")
        }
        #expect(try database.counters()["delivery.scheduled"] == scheduled)
        let test = try database.createTestDelivery(subscriptionID: "sub-old", now: now)
        #expect(test.delivery.idempotencyKey == "test_sub-old_\(test.delivery.id)")
    }

    @Test func databaseFromANewerVersionIsRefusedWithTheReason() throws {
        let path = Fixtures.temporaryDirectory() + "/concertd.sqlite3"
        _ = try AppDatabase.open(path: path)
        try SQLiteStoreOpenerTests.addMigrationFromTheFuture(path)
        #expect {
            try AppDatabase.open(path: path)
        } throws: { error in
            guard let error = error as? StoreError else { return false }
            return error.code == .newerSchema && error.message.contains("v99-from-the-future")
                && error.message.contains(path) && error.message.contains("newer concertd")
        }
    }

    @Test func reopeningAnUpToDateDatabaseChangesNothing() throws {
        let path = Fixtures.temporaryDirectory() + "/concertd.sqlite3"
        let first = try AppDatabase.open(path: path)
        try first.importCatalog(Fixtures.catalog, now: Fixtures.korea("2019-10-01T00:00"))
        let second = try AppDatabase.open(path: path)
        #expect(try second.concerts().count == 15)
    }
}

extension SQLiteMigrationTests {
    /// Schema v8: subscriptions made before it say they were made `unknown`ly, and are counted so.
    @Test func rowsMadeBeforeV8AreUnknownAndCounted() throws {
        let path = try Self.olderDatabase(upTo: "v7-normalized-webhook-targets")
        let database = try AppDatabase.open(path: path)
        let sources = try database.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT id, source FROM subscription").reduce(into: [String: String]()) {
                $0[$1[0]] = $1[1]
            }
        }
        #expect(sources == ["sub-old": "unknown"])
        func sourceCounters() throws -> [String: Int] {
            try database.counters().filter { $0.key.hasPrefix("subscription_source.") && $0.value != 0 }
        }
        #expect(try sourceCounters() == ["subscription_source.unknown.active": 1])
        _ = try database.setSubscriptionState(id: "sub-old", to: .paused, now: Fixtures.korea("2019-10-01T00:00"))
        #expect(try sourceCounters() == ["subscription_source.unknown.paused": 1])
    }
}
