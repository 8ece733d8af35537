import Foundation
import GRDB
import Testing

@testable import ConcertCore

@Suite struct StoreMigrationTests {
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

    @Test func olderDatabaseIsUpgradedAndKeepsItsData() throws {
        let path = Fixtures.temporaryDirectory() + "/concertd.sqlite3"
        do {
            let queue = try DatabaseQueue(path: path)
            try SchemaMigrations.migrator.migrate(queue, upTo: "v1-concerts-subscriptions")
            try queue.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO subscription (id, channel, target, destination, cities, offsets, lang, state,
                            created_at, updated_at)
                        VALUES ('sub-old', 'email', 'a@example.org', 'smtp', 'busan', '86400', 'ko', 'active', 0, 0)
                        """)
            }
            #expect(try queue.read { db in try db.tableExists("delivery") } == false)
        }
        let database = try AppDatabase.open(path: path)
        #expect(try database.schemaVersion() == SchemaMigrations.migrator.migrations.count)
        #expect(try database.subscription(id: "sub-old")?.channel == .email("a@example.org"))
        #expect(try database.writer.read { db in try db.tableExists("delivery") })
    }

    @Test func databaseFromANewerVersionIsRefusedWithTheReason() throws {
        let path = Fixtures.temporaryDirectory() + "/concertd.sqlite3"
        _ = try AppDatabase.open(path: path)
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')")
        }
        try queue.close()
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
