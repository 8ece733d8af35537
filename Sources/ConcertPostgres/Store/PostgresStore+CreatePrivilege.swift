import ConcertCore
import Foundation

extension PostgresStore {
    /// Why the role of this store's connections cannot create the store's tables, or nil when it
    /// can: the tables go into the first schema of `search_path` that exists
    /// (`current_schema()`), which the role needs `CREATE` on. Asked before the first start
    /// (`check-config`) and before `migrate-store` creates the store, so that the server's
    /// "permission denied for schema" comes with the fix.
    public func creationRefusal() throws -> StoreCreationRefused? {
        try pool.withConnection { connection in
            let rows = try connection.query(
                """
                SELECT current_user::text, current_schema()::text,
                    current_schema() IS NOT NULL AND has_schema_privilege(current_schema(), 'CREATE'),
                    (SELECT pg_get_userbyid(datdba)::text FROM pg_database WHERE datname = current_database())
                """)
            guard !rows.bool(0, 2) else { return nil }
            return StoreCreationRefused(
                database: pool.settings.url.serverDescription, role: rows.text(0, 0),
                schema: rows.optionalText(0, 1), owner: rows.optionalText(0, 3))
        }
    }
}

/// The role may not create tables in the schema the store goes into (PostgreSQL 42501 at the
/// first start): a person must grant it, as for a refused login.
public struct StoreCreationRefused: Error, CustomStringConvertible, Sendable {
    /// `HOST:PORT/NAME` of the database.
    public var database: String
    public var role: String
    /// The first schema of `search_path` that exists; nil when none does.
    public var schema: String?
    /// The database's owner.
    public var owner: String?

    public var description: String {
        let name = database.split(separator: "/").last.map(String.init) ?? database
        guard let schema else {
            return "the role \(role) has no schema to create the store in at postgresql://\(database): no schema of "
                + "its search_path exists; create one it may use (CREATE SCHEMA concertd AUTHORIZATION \(role)) or "
                + "set its search_path to one (ALTER ROLE \(role) SET search_path = public)"
        }
        // PostgreSQL 15's public schema belongs to the database's owner (pg_database_owner).
        let owning =
            schema == "public" ? ", or make \(role) the database's owner (ALTER DATABASE \(name) OWNER TO \(role))" : ""
        return "the role \(role) may not create tables in schema \(schema) of postgresql://\(database)"
            + (owner.map { " (a database owned by \($0))" } ?? "") + ", so the store cannot be created there: as the "
            + "database's owner or a superuser, GRANT CREATE ON SCHEMA \(schema) TO \(role)\(owning)"
    }
}
