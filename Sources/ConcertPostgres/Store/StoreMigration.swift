import ConcertCore
import Foundation

/// Moves an installation's store from its SQLite file to a PostgreSQL database
/// (`concertd migrate-store`): every table, row for row, ids and states as they are, so that no
/// reminder is sent twice or lost by the move.
///
/// The caller holds the SQLite file's lock (the daemon's `DatabaseLock`) for the whole copy: no
/// daemon may run on the file meanwhile, and none starts on it before the copy ends.
///
/// Steps: the SQLite file must have this code's schema version (``AppDatabase/openToCopy(path:)``)
/// and no table or column the copy does not know; the target is migrated to the same version
/// (``PostgresStore/migrate()``, each migration in a transaction of its own, as an instance's
/// start does); then one transaction locks the store's tables, refuses a target with any row in
/// them, copies each table with `COPY` in the order of ``tables``, compares each table's rows on
/// both sides, and advances every identity past the copied values. Any failure rolls the copy
/// back: the target is left migrated and empty.
public enum StoreMigration {
    /// How many rows a table has on both sides after the copy.
    public struct TableCount: Sendable, Hashable {
        public var table: String
        public var rows: Int
    }

    /// What was copied.
    public struct Report: Sendable {
        /// The schema version of both sides.
        public var schemaVersion: Int
        /// Each table's rows, in the order they were copied.
        public var tables: [TableCount]
        /// The rows carried in `sending` (a daemon stopped during their send): the first instance
        /// to start sends them again.
        public var interruptedSends: Int
    }

    /// The instance name of the copy's connections (`application_name`, the counters' instance
    /// of nothing: the copy runs no trigger that counts).
    public static let instanceName = "migrate-store"

    /// Copies the SQLite store at `path` into the PostgreSQL database of `settings`; throws a
    /// ``StoreError`` (`.conflict`: the target holds data; `.invalid`: a schema this code does
    /// not copy), ``StoreCreationRefused`` (the role may not create the store's tables) or the
    /// engines' errors, having copied nothing.
    public static func copy(fromSQLite path: String, to settings: PostgresSettings) throws -> Report {
        let source = try AppDatabase.openToCopy(path: path)
        // Before the target is touched: a file this code cannot copy whole leaves it as it was.
        try source.readToCopy { source in try checkSource(source, path: path) }
        let target = PostgresStore(settings: settings, instanceName: instanceName, capacity: 1)
        defer { target.pool.closeIdle() }
        // A role that may not create the store is named with the fix, before anything is created.
        if try target.schemaVersion() == 0, let refusal = try target.creationRefusal() { throw refusal }
        let version = try target.migrate()
        return try source.readToCopy { source in
            try target.pool.withConnection { connection in
                try connection.transaction {
                    try copyTables(from: source, into: connection, version: version)
                }
            }
        }
    }

    /// Refuses a SQLite file with a table or column the copy does not know.
    private static func checkSource(_ source: StoreCopySource, path: String) throws {
        let known = Set(tables.map(\.name))
        let unknown = try source.tableNames().filter { !known.contains($0) }
        guard unknown.isEmpty else {
            throw StoreError(
                .invalid,
                "\(path) has tables this concertd does not know how to copy: \(unknown.joined(separator: ", "))")
        }
        for table in tables {
            let columns = try source.columns(of: table.name)
            guard Set(columns) == Set(table.columns) else {
                throw StoreError(
                    .invalid,
                    "the table \(table.name) of \(path) has the columns \(columns.joined(separator: ", ")); this "
                        + "concertd copies \(table.columns.joined(separator: ", "))")
            }
        }
    }

    private static func copyTables(
        from source: StoreCopySource, into connection: PostgresConnection, version: Int
    ) throws -> Report {
        let names = tables.map(\.name) + postgresOnlyTables
        try checkTarget(connection)
        // Nothing else writes the store's tables until the copy commits (instances already running
        // on the target wait), and the emptiness read below stays true.
        try connection.execute("LOCK TABLE \(names.joined(separator: ", ")) IN EXCLUSIVE MODE")
        let holding = try names.filter { name in
            try connection.execute("SELECT EXISTS (SELECT 1 FROM \(name))").bool(0, 0)
        }
        guard holding.isEmpty else {
            throw StoreError(
                .conflict,
                "the target database already holds a store (rows in \(holding.joined(separator: ", "))); "
                    + "migrate-store copies only into a database with no concertd data: create an empty database")
        }
        var counts: [TableCount] = []
        var interrupted = 0
        for table in tables {
            let columns = table.columns + table.addedColumns
            let select = "SELECT \(table.columns.joined(separator: ", ")) FROM \(table.name) ORDER BY \(table.order)"
            let expected = try source.count(table.name)
            let copied = try connection.copyIn(
                "COPY \(table.name) (\(columns.joined(separator: ", "))) FROM STDIN"
            ) { writer in
                try source.forEachRow(select) { row in
                    var values = row.map(\.postgresValue)
                    if let added = table.addedValues { values += added(row) }
                    try writer.append(values)
                }
            }
            let stored = try connection.execute("SELECT COUNT(*) FROM \(table.name)").int(0, 0)
            guard copied == expected, stored == expected else {
                throw StoreError(
                    .invalid,
                    "the table \(table.name) has \(expected) rows in the SQLite file, but \(copied) were copied "
                        + "and \(stored) are in the target: nothing was copied")
            }
            counts.append(TableCount(table: table.name, rows: stored))
            if table.name == "delivery" {
                interrupted = try connection.execute("SELECT COUNT(*) FROM delivery WHERE state = 'sending'").int(0, 0)
            }
        }
        try advanceIdentities(connection)
        return Report(schemaVersion: version, tables: counts, interruptedSends: interrupted)
    }

    /// Refuses a target whose tables are not the ones copied (besides the migrations' record).
    private static func checkTarget(_ connection: PostgresConnection) throws {
        let rows = try connection.execute(
            """
            SELECT table_name FROM information_schema.tables
            WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> 'schema_migration'
            ORDER BY table_name
            """)
        let present = Set(rows.map { rows.text($0, 0) })
        let copied = Set(tables.map(\.name) + postgresOnlyTables)
        guard present == copied else {
            throw StoreError(
                .invalid,
                "the target's store has the tables \(present.sorted().joined(separator: ", ")); this concertd "
                    + "copies \(copied.sorted().joined(separator: ", "))")
        }
    }

    /// Sets each identity of the store's tables past the largest value copied, so that the rows the
    /// instances insert next get new ones (`delivery.id`; `subscription.position` was numbered by
    /// the copy itself).
    private static func advanceIdentities(_ connection: PostgresConnection) throws {
        let rows = try connection.execute(
            """
            SELECT table_name, column_name FROM information_schema.columns
            WHERE table_schema = current_schema() AND is_identity = 'YES'
            ORDER BY table_name, column_name
            """)
        for row in 0..<rows.count {
            let table = rows.text(row, 0)
            let column = rows.text(row, 1)
            try connection.query(
                """
                SELECT setval(pg_get_serial_sequence($1, $2), COALESCE(MAX(\(quoted(column))), 0) + 1, false)
                FROM \(quoted(table))
                """, [.text(quoted(table)), .text(column)])
        }
    }

    private static func quoted(_ identifier: String) -> String {
        "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
