import Foundation
import GRDB
import Testing

@testable import ConcertCore

/// What the SQLite import turns off for its speed (foreign keys, `importSubscriptions`) is back on
/// however the import ends; what an import that throws stores is tested on both engines
/// (ConcertPostgresTests, `SubscriptionImportTests`).
@Suite struct SQLiteSubscriptionImportTests {
    @Test func anImportThatFailsLeavesForeignKeysAndCheckConstraintsOn() throws {
        struct Stop: Error {}
        let now = Fixtures.korea("2019-10-01T00:00")
        let database = try AppDatabase.inMemory()
        try database.importCatalog(Fixtures.catalog, now: now)
        #expect(throws: Stop.self) {
            try database.importSubscriptions(now: now) { importer in
                _ = try importer.add(NewSubscription(channel: .email("a@example.org"), cities: ["busan"]))
                throw Stop()
            }
        }
        #expect(try database.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM delivery") } == 0)
        let checks = try database.writer.read { db in
            (
                try Int.fetchOne(db, sql: "PRAGMA foreign_keys"),
                try Int.fetchOne(db, sql: "PRAGMA ignore_check_constraints")
            )
        }
        #expect(checks.0 == 1 && checks.1 == 0)
    }
}
