import ConcertCore
import ConcertPostgres
import Foundation
import GRDB
import PostgresTestSupport
import Testing

/// The engines a store test runs on: one suite, each case once per engine (`arguments:`).
/// PostgreSQL cases are cancelled, naming why, only where the server's binaries are missing
/// (``ThrowawayPostgres/unavailableReason``).
enum StoreEngine: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgresql

    var testDescription: String { rawValue }

    /// A new, empty store of this engine, opened (created and migrated) as the daemon opens it.
    func openNew() async throws -> OpenedStore {
        switch self {
        case .sqlite:
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
                "store-\(UUID().uuidString.prefix(8))")
            let path = folder.appendingPathComponent("concertd.sqlite").path
            return OpenedStore(engine: self, sqlite: try AppDatabase.open(path: path), sqlitePath: path)
        case .postgresql:
            let url = try await ThrowawayPostgres.shared().makeDatabase()
            let settings = PostgresSettings(url: url)
            return OpenedStore(engine: self, postgres: try PostgresStore.open(settings: settings, instanceName: "a"))
        }
    }
}

/// A store of one engine under test, with what a test needs to reach around it.
struct OpenedStore {
    let engine: StoreEngine
    var sqlite: AppDatabase? = nil
    var sqlitePath: String? = nil
    var postgres: PostgresStore? = nil

    func migrate() throws -> Int {
        if let sqlite { return try sqlite.migrate() }
        return try #require(postgres).migrate()
    }

    func schemaVersion() throws -> Int {
        if let sqlite { return try sqlite.schemaVersion() }
        return try #require(postgres).schemaVersion()
    }

    /// Opens the same store again, as another start (or another instance) would.
    func reopen() throws {
        if let sqlitePath {
            _ = try AppDatabase.open(path: sqlitePath)
        } else if let postgres {
            _ = try PostgresStore.open(settings: postgres.pool.settings, instanceName: "b")
        }
    }

    /// The store as the scheduler sees it.
    var sending: any SendingStore { daemonStore }

    /// Runs statements written in the SQL both engines speak (fixtures, checks), around the store.
    func execute(_ sql: String) throws {
        if let sqlite {
            try sqlite.writer.write { db in try db.execute(sql: sql) }
        } else if let postgres {
            try postgres.pool.withConnection { connection in _ = try connection.execute(sql) }
        }
    }

    /// The first column of the first row of a query, as an integer.
    func integer(_ sql: String) throws -> Int {
        if let sqlite {
            return try sqlite.writer.read { db in try Int.fetchOne(db, sql: sql) ?? 0 }
        }
        return try #require(postgres).pool.withConnection { connection in try connection.execute(sql).int(0, 0) }
    }

    /// Records a migration this code does not know, as a newer concertd would have.
    func recordForeignMigration(_ identifier: String) throws {
        if let sqlite {
            try sqlite.writer.write { db in
                try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES (?)", arguments: [identifier])
            }
        } else if let postgres {
            try postgres.pool.withConnection { connection in
                try connection.query("INSERT INTO schema_migration (identifier) VALUES ($1)", [.text(identifier)])
            }
        }
    }
}
