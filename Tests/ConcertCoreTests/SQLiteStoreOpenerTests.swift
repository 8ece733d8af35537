import ConcertCore
import Foundation
import GRDB
import Testing

/// Opening and migrating a store through the interface alone (`StoreOpener`, `StoreMaintenance`),
/// as the daemon and `check-config` do, on real SQLite files.
@Suite struct SQLiteStoreOpenerTests {
    func opener(_ path: String) -> any StoreOpener { SQLiteStoreOpener(path: path) }

    /// Adds a migration this code does not know to the database at `path`, as a newer concertd would.
    static func addMigrationFromTheFuture(_ path: String) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')")
        }
        try queue.close()
    }

    @Test func openingCreatesAMigratedStoreAndMigratingAgainChangesNothing() throws {
        let path = Fixtures.temporaryDirectory() + "/state/concertd.sqlite3"
        let store = try opener(path).open()
        let version = try store.schemaVersion()
        #expect(version > 0)
        #expect(try store.migrate() == version)
        #expect(try store.schemaVersion() == version)
    }

    @Test func migratingAStoreThatANewerConcertdWroteIsRefusedWithAnEngineNeutralError() throws {
        let path = Fixtures.temporaryDirectory() + "/concertd.sqlite3"
        let store = try opener(path).open()
        try Self.addMigrationFromTheFuture(path)
        for attempt in [{ _ = try store.migrate() }, { _ = try opener(path).open() }] {
            let error = #expect(throws: StoreError.self) { try attempt() }
            #expect(error?.code == .newerSchema)
            #expect(error?.message.contains("v99-from-the-future") == true)
            #expect(error?.isTemporary == false)
        }
    }

    @Test func readingAStoreThatDoesNotExistCreatesNothing() throws {
        let path = Fixtures.temporaryDirectory() + "/state/concertd.sqlite3"
        #expect(try opener(path).openToRead() == nil)
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func aStoreOpenedToReadIsNeitherMigratedNorWritten() throws {
        let path = try SQLiteMigrationTests.olderDatabase(upTo: "v1-concerts-subscriptions")
        let store = try #require(try opener(path).openToRead())
        #expect(try store.schemaVersion() == 1, "not migrated")
        let error = #expect(throws: (any Error).self) {
            try store.addConcert(Fixtures.catalog.concerts[0], now: Fixtures.korea("2019-10-01T00:00"))
        }
        #expect(StoreFault.transientDescription(of: error!) != nil, "a read-only store, not a bug")
        #expect(try DatabaseQueue(path: path).read { db in try db.tableExists("delivery") } == false)
    }

    @Test func aStoreOpenedToReadAnswersWhichCitiesTheCatalogLacks() throws {
        let path = Fixtures.temporaryDirectory() + "/concertd.sqlite3"
        let now = Fixtures.korea("2019-10-01T00:00")
        let writer = try opener(path).open()
        try writer.importCatalog(Fixtures.catalog, now: now)
        _ = try writer.createSubscription(
            NewSubscription(channel: .email("a@example.org"), cities: ["busan"]), now: now)
        let reader = try #require(try opener(path).openToRead())
        let usage = try reader.usageOfCities(notIn: ["seoul"], now: now)
        #expect(usage["busan"]?.subscriptions == 1)
    }
}
