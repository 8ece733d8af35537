import Foundation
import GRDB

/// The one SQLite database of concertd: concerts, subscriptions, the delivery outbox and its attempts.
///
/// Owns the writer and runs the migrations when it opens for writing. Every logical change is one
/// transaction (one `write` block), so a crash never leaves half of one behind.
public final class AppDatabase: Sendable {
    /// The GRDB writer: a `DatabasePool` in WAL mode for files, a `DatabaseQueue` in tests.
    package let writer: any DatabaseWriter
    /// The outstanding read of `readLiveness`, if any.
    let readProbe = LivenessProbe()

    package init(_ writer: any DatabaseWriter) throws {
        self.writer = writer
        try migrate()
    }

    /// A store over `writer` as it is, not migrated.
    init(unmigrated writer: any DatabaseWriter) {
        self.writer = writer
    }

    /// Opens (creating if needed) the database file at `path` in WAL mode.
    ///
    /// Refuses a database written by a newer concertd, naming the migrations it does not know. A
    /// statement that finds the database locked waits up to `busyTimeout` seconds, then fails.
    public static func open(path: String, busyTimeout: TimeInterval = 5) throws -> AppDatabase {
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // Statement journals (each insert of a multi-statement transaction keeps the original
            // of every page it changes, to undo just itself) stay in memory: past 64 KiB SQLite
            // spills them to a temporary file, and once the indexes are deep enough every insert
            // of a bulk import does: 2 million pwrite calls for 70,000 subscriptions.
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
        }
        configuration.busyMode = .timeout(busyTimeout)
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw StoreError(
                .cannotOpen, "cannot open the database at \(path): \(error)",
                isTemporary: StoreError.isTemporaryFailure(error))
        }
        // Before any migration: a file moved into PostgreSQL is left exactly as it was copied.
        try pool.read { db in try refuseIfMoved(db, path: path) }
        do {
            return try AppDatabase(pool)
        } catch var error as StoreError {
            error.message = "\(path): \(error.message)"
            throw error
        }
    }

    /// Opens the database file at `path` read-only and not migrated, so it can be read beside a
    /// running daemon; nil when there is no file.
    static func openToRead(path: String) throws -> AppDatabase? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        try queue.read { db in try refuseIfMoved(db, path: path) }
        return AppDatabase(unmigrated: queue)
    }

    /// An empty in-memory database, for tests and previews.
    package static func inMemory() throws -> AppDatabase {
        try AppDatabase(DatabaseQueue(configuration: Configuration()))
    }

    /// Applies the migrations this code knows and the file lacks, each in a transaction of its
    /// own, and returns the schema version; refuses a file that a newer concertd migrated.
    @discardableResult
    public func migrate() throws -> Int {
        let migrator = SchemaMigrations.migrator
        let (superseded, unknown) = try writer.read { db -> (Bool, [String]) in
            let superseded = try migrator.hasBeenSuperseded(db)
            let applied = try migrator.appliedIdentifiers(db)
            return (superseded, applied.subtracting(migrator.migrations).sorted())
        }
        if superseded { throw StoreSchema.newerSchemaError(unknown: unknown) }
        do {
            try migrator.migrate(writer)
        } catch {
            // Each migration runs in a transaction of its own: a failed one leaves the file as it was.
            throw StoreError(
                .cannotOpen, "a schema migration failed and was rolled back, the database is unchanged: \(error)",
                isTemporary: StoreError.isTemporaryFailure(error))
        }
        try writer.write { db in
            try db.execute(sql: "PRAGMA user_version = \(migrator.migrations.count)")
        }
        return migrator.migrations.count
    }

    /// The schema version: the number of migrations applied.
    public func schemaVersion() throws -> Int {
        try writer.read { db in try SchemaMigrations.migrator.appliedIdentifiers(db).count }
    }
}
