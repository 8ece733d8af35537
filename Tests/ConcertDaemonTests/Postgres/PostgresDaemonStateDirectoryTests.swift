import ConcertCore
import Foundation
import PostgresTestSupport
import Testing

@testable import ConcertDaemon

/// On PostgreSQL the state directory holds no database, but a bulk import (`subscribe --from`)
/// stages its lines there: the daemon makes it at start, as it does for the SQLite file.
@Suite(.serialized, .timeLimit(.minutes(3))) struct PostgresDaemonStateDirectoryTests {
    @Test func aDaemonOnPostgreSQLMakesItsStateDirectoryForTheImportsItStages() async throws {
        let url = try await ThrowawayPostgres.shared().makeDatabase()
        let instance = try await TestDaemon.onPostgres(url, instance: "east-1")
        defer { instance.remove() }
        var info = stat()
        #expect(stat(instance.stateDirectory, &info) == 0, "no state directory \(instance.stateDirectory)")
        #expect(info.st_mode & S_IFMT == S_IFDIR)
        #expect(info.st_mode & 0o777 == 0o700)
        // A staged import's file goes there.
        _ = try StagedImportFile(directory: instance.stateDirectory)
    }
}
