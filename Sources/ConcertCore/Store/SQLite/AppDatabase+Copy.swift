import Foundation
import GRDB

/// One value of a row read from the SQLite file for a copy into another store
/// (`concertd migrate-store`), in SQLite's own storage classes, so that the copying side needs no
/// GRDB type.
package enum StoreCellValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob(Data)
}

/// The SQLite store read in one snapshot for a copy: which tables it has, their columns, their
/// rows. Only reads.
package struct StoreCopySource {
    fileprivate let db: Database

    /// The tables of the store: every table but SQLite's own (`sqlite_…`), the migrations'
    /// record (`grdb_migrations`, which the target keeps in its own form) and the mark of a move
    /// (`store_moved`, the file's own), by name.
    package func tableNames() throws -> [String] {
        try String.fetchAll(
            db,
            sql: """
                SELECT name FROM sqlite_schema
                WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> 'grdb_migrations'
                    AND name <> ?
                ORDER BY name
                """, arguments: [AppDatabase.movedMarkTable])
    }

    /// The columns of `table`, in the table's order.
    package func columns(of table: String) throws -> [String] {
        try Row.fetchAll(db, sql: "PRAGMA table_info(\(table.quotedDatabaseIdentifier))").map { row -> String in
            row["name"]
        }
    }

    /// The number of rows of `table`.
    package func count(_ table: String) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table.quotedDatabaseIdentifier)") ?? 0
    }

    /// Calls `body` with each row of `sql`, its values in the order of the statement's columns.
    package func forEachRow(_ sql: String, _ body: ([StoreCellValue]) throws -> Void) throws {
        let rows = try Row.fetchCursor(db, sql: sql)
        var values: [StoreCellValue] = []
        while let row = try rows.next() {
            values.removeAll(keepingCapacity: true)
            for value in row.databaseValues {
                switch value.storage {
                case .null: values.append(.null)
                case .int64(let integer): values.append(.integer(integer))
                case .double(let real): values.append(.real(real))
                case .string(let text): values.append(.text(text))
                case .blob(let data): values.append(.blob(data))
                }
            }
            try body(values)
        }
    }
}

extension AppDatabase {
    /// Opens the SQLite file at `path` to be copied into another store, not migrated, and refuses
    /// a file whose schema is not this code's (older: the daemon migrates it at its next start;
    /// newer: a newer concertd wrote it) and a file already moved (``StoreMoved``). The caller holds the file's lock (`DatabaseLock`), so
    /// no daemon writes to it meanwhile. The connection may write (SQLite recovers a write-ahead
    /// log left by a daemon that was killed), but nothing here does.
    package static func openToCopy(path: String) throws -> AppDatabase {
        guard FileManager.default.fileExists(atPath: path) else {
            throw StoreError(.notFound, "there is no database at \(path)")
        }
        let database: AppDatabase
        let applied: Set<String>
        do {
            database = AppDatabase(unmigrated: try DatabaseQueue(path: path, configuration: Configuration()))
            applied = try database.writer.read { db in
                try refuseIfMoved(db, path: path)
                return try SchemaMigrations.migrator.appliedIdentifiers(db)
            }
        } catch let error as StoreMoved {
            throw error
        } catch {
            throw StoreError(
                .cannotOpen, "cannot read the database at \(path): \(error)",
                isTemporary: StoreError.isTemporaryFailure(error))
        }
        let known = StoreSchema.migrations
        let unknown = applied.subtracting(known).sorted()
        if !unknown.isEmpty {
            var error = StoreSchema.newerSchemaError(unknown: unknown)
            error.message = "\(path): \(error.message)"
            throw error
        }
        guard applied.count == known.count else {
            throw StoreError(
                .invalid,
                "\(path) has schema \(applied.count) and this concertd writes schema \(known.count): start this "
                    + "concertd once on it (it migrates the file at start), stop it, then move the store")
        }
        return database
    }

    /// Runs `body` over one read snapshot of the file.
    package func readToCopy<T>(_ body: (StoreCopySource) throws -> T) throws -> T {
        try writer.read { db in try body(StoreCopySource(db: db)) }
    }
}
