import ConcertCore
import Foundation

/// The catalog in force on PostgreSQL: one row every instance reads, written by the import that
/// made it the one in force (`concertctl reload` on any instance), in that import's transaction.
extension PostgresStore {
    public func catalogInForce() throws -> CatalogInForce? {
        try pool.withConnection { connection in
            let rows = try connection.query(
                "SELECT version, body, taken_at, taken_by FROM catalog_in_force WHERE id = 1")
            guard rows.count == 1 else { return nil }
            return CatalogInForce(
                catalog: try Catalog(storedForm: rows.text(0, 1)), version: rows.text(0, 0),
                takenAt: Date(millis: rows.int64(0, 2)), takenBy: rows.optionalText(0, 3))
        }
    }

    /// Makes `catalog` the catalog in force, in the caller's transaction (the import's), recording
    /// this instance as the one that took it.
    func recordCatalogInForce(_ connection: PostgresConnection, _ catalog: Catalog, now: Date) throws {
        try connection.query(
            """
            INSERT INTO catalog_in_force (id, version, body, taken_at, taken_by) VALUES (1, $1, $2, $3, $4)
            ON CONFLICT (id) DO UPDATE SET version = excluded.version, body = excluded.body,
                taken_at = excluded.taken_at, taken_by = excluded.taken_by
            """, [.text(catalog.version), .text(try catalog.storedForm()), .integer(now.millis), .text(instanceName)])
    }
}
