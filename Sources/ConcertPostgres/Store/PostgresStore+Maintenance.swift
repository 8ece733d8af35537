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
    ///
    /// A server out of reach or refusing the login (``PostgresPool/outage``) is a note, not a
    /// problem: the daemon is alive, keeps the verdicts it holds and tries again, and a restart
    /// by the watchdog would lose them and bring the server back no sooner.
    public func readLiveness(timeout: Duration) -> LivenessReport {
        let pool = self.pool
        var report = readProbe.checkStoreRead(timeout: timeout) {
            do {
                try pool.withConnection { connection in _ = try connection.query("SELECT 1 FROM counter LIMIT 1") }
            } catch let error as PostgresError where error.kind == .connectionLost || error.kind == .loginRefused {
                return  // the outage, recorded by the pool, is reported below
            }
        }
        if let outage = pool.outage {
            let seconds = Int(Date().timeIntervalSince(outage.since))
            report.notes.append(
                "the PostgreSQL server cannot be reached (for \(seconds) s): \(outage.error); waiting for it")
        }
        return report
    }
}
