import Foundation
import GRDB

extension AppDatabase {
    /// Whether the database answers a read within `timeout`.
    ///
    /// The read runs on a reader connection of the pool, which a writer does not block (WAL): a
    /// long write transaction (a million-row import holds one for half a minute) is no failure.
    /// The read runs on a thread of its own; while one is unanswered no other is started.
    public func readLiveness(timeout: Duration) -> LivenessReport {
        let writer = self.writer
        return readProbe.checkStoreRead(timeout: timeout) {
            _ = try writer.read { db in try Int.fetchOne(db, sql: "SELECT value FROM counter LIMIT 1") }
        }
    }
}
