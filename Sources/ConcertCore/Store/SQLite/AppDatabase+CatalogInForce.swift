import Foundation
import GRDB

/// The catalog in force and the clock's anchor on SQLite.
extension AppDatabase {
    public func catalogInForce() throws -> CatalogInForce? {
        try writer.read { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT version, body, taken_at, taken_by FROM catalog_in_force WHERE id = 1")
            else { return nil }
            return CatalogInForce(
                catalog: try Catalog(storedForm: row[1]), version: row[0], takenAt: Date(millis: row[2]),
                takenBy: row[3])
        }
    }

    /// Makes `catalog` the catalog in force, in the caller's transaction (the import's).
    static func recordCatalogInForce(_ db: Database, _ catalog: Catalog, now: Date) throws {
        try db.execute(
            sql: """
                INSERT INTO catalog_in_force (id, version, body, taken_at, taken_by) VALUES (1, ?, ?, ?, NULL)
                ON CONFLICT (id) DO UPDATE SET version = excluded.version, body = excluded.body,
                    taken_at = excluded.taken_at, taken_by = excluded.taken_by
                """, arguments: [catalog.version, try catalog.storedForm(), now.millis])
    }

    /// A SQLite file serves one daemon.
    public var sharedByInstances: Bool { false }

    /// Every start anchors its clock at its own moment: one daemon owns the file, and a restart
    /// with `--clock-start` starts its replay again, as it always did.
    public func anchorClock(_ shift: ClockShift?) throws -> ClockAnchor {
        .starting(shift)
    }
}
