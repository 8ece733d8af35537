import Foundation
import GRDB

#if canImport(Glibc)
    import Glibc
#endif

extension AppDatabase {
    /// Copies the whole database into a new file at `path` with SQLite's online backup API and
    /// returns the copy's schema version.
    ///
    /// The copy is what one read transaction sees: consistent while the daemon goes on writing
    /// (in WAL mode writers do not wait for a reader, nor it for them; what they commit meanwhile
    /// is simply not in it). `path` must not exist; the file is made with mode 0600 and left in
    /// rollback-journal mode, one file with no `-wal` beside it (the daemon returns it to WAL
    /// when it opens it).
    public func backup(to path: String) throws -> Int {
        let descriptor = Glibc.open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else {
            throw StoreError(.cannotOpen, "cannot create \(path): \(String(cString: strerror(errno)))")
        }
        Glibc.close(descriptor)
        do {
            let copy = try DatabaseQueue(path: path)
            try writer.backup(to: copy)
            let version = try copy.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA journal_mode = DELETE")
                return try SchemaMigrations.migrator.appliedIdentifiers(db).count
            }
            try copy.close()
            return version
        } catch {
            for suffix in ["", "-journal", "-wal", "-shm"] { unlink(path + suffix) }
            throw error
        }
    }

    /// The database's size in bytes: its pages, as `backup(to:)` would copy them.
    public func size() throws -> Int64 {
        try writer.read { db in
            let pages = try Int64.fetchOne(db, sql: "PRAGMA page_count") ?? 0
            let pageSize = try Int64.fetchOne(db, sql: "PRAGMA page_size") ?? 0
            return pages * pageSize
        }
    }
}
