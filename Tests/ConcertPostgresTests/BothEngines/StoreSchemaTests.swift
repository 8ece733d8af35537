import Foundation
import PostgresTestSupport
import Synchronization
import Testing

@testable import ConcertCore
@testable import ConcertPostgres

/// The schema's versions on both engines: the same numbering, migrated once, a newer one refused
/// with the same words.
@Suite(.timeLimit(.minutes(3)))
struct StoreSchemaTests {
    @Test(arguments: StoreEngine.allCases)
    func aNewStoreIsAtTheLatestVersionAndMigratingAgainChangesNothing(engine: StoreEngine) async throws {
        let store = try await engine.openNew()
        #expect(try store.schemaVersion() == StoreSchema.migrations.count)
        #expect(try store.migrate() == StoreSchema.migrations.count)
        #expect(try store.schemaVersion() == StoreSchema.migrations.count)
        try store.reopen()
    }

    @Test(arguments: StoreEngine.allCases)
    func aStoreANewerConcertdMigratedIsRefusedWithTheSameMessageOnEveryEngine(engine: StoreEngine) async throws {
        let store = try await engine.openNew()
        try store.recordForeignMigration("v99-from-the-future")
        #expect(try store.schemaVersion() == StoreSchema.migrations.count + 1)
        do {
            try store.reopen()
            Issue.record("a store with a migration this code does not know was opened")
        } catch let error as StoreError {
            #expect(error.code == .newerSchema)
            let expected = StoreSchema.newerSchemaError(unknown: ["v99-from-the-future"]).message
            // SQLite's message starts with the file's path.
            #expect(error.message.hasSuffix(expected), "\(error.message)")
            #expect(error.message.contains("this concertd knows schema \(StoreSchema.migrations.count)"))
        }
        #expect(try store.schemaVersion() == StoreSchema.migrations.count + 1)
    }

    @Test func theSQLiteAndPostgreSQLMigrationsAreTheSameVersions() {
        #expect(SchemaMigrations.migrator.migrations == StoreSchema.migrations)
        #expect(PostgresSchemaMigrations.all.map(\.identifier) == StoreSchema.migrations)
    }

    @Test func instancesStartingTogetherOnAnEmptyDatabaseMigrateItOnce() async throws {
        let url = try await ThrowawayPostgres.shared().makeDatabase()
        let settings = PostgresSettings(url: url)
        let outcomes = try await ThrowawayPostgres.blocking {
            let results = Mutex<[String]>([])
            DispatchQueue.concurrentPerform(iterations: 4) { index in
                do {
                    let store = try PostgresStore.open(settings: settings, instanceName: "i\(index)")
                    let version = try store.schemaVersion()
                    results.withLock { $0.append("version \(version)") }
                } catch {
                    results.withLock { $0.append("\(error)") }
                }
            }
            return results.withLock { $0 }
        }
        #expect(outcomes == Array(repeating: "version \(StoreSchema.migrations.count)", count: 4))
        let connection = try PostgresConnection(settings)
        let applied = try connection.query("SELECT identifier, COUNT(*) FROM schema_migration GROUP BY identifier")
        #expect(applied.count == StoreSchema.migrations.count)
        #expect(applied.map { applied.int($0, 1) }.allSatisfy { $0 == 1 })
    }
}
