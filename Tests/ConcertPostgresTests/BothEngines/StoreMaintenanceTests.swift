import ConcertCore
import ConcertPostgres
import Foundation
import PostgresTestSupport
import Testing

/// The store as a whole on both engines: its size, whether it answers, how it is backed up.
@Suite(.timeLimit(.minutes(3)))
struct StoreMaintenanceTests {
    func maintenance(_ store: OpenedStore) throws -> any StoreMaintenance {
        if let sqlite = store.sqlite { return sqlite }
        return try #require(store.postgres)
    }

    @Test(arguments: StoreEngine.allCases)
    func aNewStoreHasASizeAndAnswersReads(engine: StoreEngine) async throws {
        let store = try await engine.openNew()
        let maintenance = try maintenance(store)
        #expect(try maintenance.size() > 0)
        #expect(maintenance.readLiveness(timeout: .seconds(10)).isAlive)
    }

    @Test func aPostgreSQLStoreIsNotCopiedToAFileAndSaysWhatToUse() async throws {
        let store = try await StoreEngine.postgresql.openNew()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("backup-\(UUID())").path
        #expect {
            try maintenance(store).backup(to: path)
        } throws: { error in
            (error as? StoreError)?.code == .invalid && "\(error)".contains("pg_dump")
        }
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    /// A server that is gone is a note, not a problem: the daemon stays alive for the watchdog
    /// (a restart would lose the verdicts it holds and bring the server back no sooner).
    @Test func aServerThatIsGoneMakesTheLivenessReportNameTheDatabase() async throws {
        let cluster = try await ThrowawayPostgres.start()
        defer { cluster.destroy() }
        let url = try await cluster.makeDatabase()
        let store = try PostgresStore.open(settings: PostgresSettings(url: url), instanceName: "a")
        #expect(store.readLiveness(timeout: .seconds(10)).isAlive)
        try await cluster.stopServer()
        let report = store.readLiveness(timeout: .seconds(20))
        #expect(report.isAlive, "\(report)")
        #expect(report.notes.first?.contains("the PostgreSQL server cannot be reached") == true, "\(report)")
        try await cluster.startServer()
        #expect(store.readLiveness(timeout: .seconds(10)).isAlive)
    }
}
