import ConcertCore
import Foundation

/// The schema, size, backup and liveness of the store on PostgreSQL (``StoreMaintenance``).
extension PostgresStore {
    /// The database's size on the server (`pg_database_size`), everything in it counted.
    public func size() throws -> Int64 {
        try pool.withConnection { connection in
            try connection.query("SELECT pg_database_size(current_database())").int64(0, 0)
        }
    }

    /// Refused: a PostgreSQL store is backed up with the server's own tools, which copy it
    /// consistently while instances keep writing (`pg_dump`, or base backups with the WAL archive).
    public func backup(to path: String) throws -> Int {
        throw StoreError(
            .invalid,
            "the store is on PostgreSQL (database_url): back it up with the server's tools (pg_dump, or base "
                + "backups with WAL archiving); concertctl backup copies only a SQLite store")
    }

    /// Whether the server answers a read within `timeout`, on a connection of the pool, from a
    /// thread of its own; while one read is unanswered no other is started.
    public func readLiveness(timeout: Duration) -> LivenessReport {
        let pool = self.pool
        return readProbe.checkStoreRead(timeout: timeout) {
            try pool.withConnection { connection in _ = try connection.query("SELECT 1 FROM counter LIMIT 1") }
        }
    }
}
