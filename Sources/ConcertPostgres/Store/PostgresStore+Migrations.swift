import ConcertCore

extension PostgresStore {
    /// The key of the session advisory lock held while migrating: `hashtext('concertd.migrate')`
    /// would do as well, but a constant is easier to find in `pg_locks`.
    static let migrationLockKey: Int64 = 0x636F_6E63_6572_7464  // "concertd"

    /// Applies the migrations this code knows and the database lacks, in order, each in a
    /// transaction of its own, and returns the schema version.
    ///
    /// Runs under a session advisory lock, so that instances starting together migrate once: the
    /// others wait for the lock, then find every migration applied. A database with migrations
    /// this code does not know (a newer concertd wrote it) is refused with the same
    /// ``StoreError`` as on SQLite, and nothing is changed.
    @discardableResult
    public func migrate() throws -> Int {
        try pool.withConnection { connection in
            try connection.query("SELECT pg_advisory_lock($1)", [.integer(Self.migrationLockKey)])
            defer {
                do {
                    try connection.query("SELECT pg_advisory_unlock($1)", [.integer(Self.migrationLockKey)])
                } catch {
                    // Ending the session releases its locks.
                    connection.close()
                }
            }
            try connection.execute(
                """
                CREATE TABLE IF NOT EXISTS schema_migration (
                    identifier TEXT PRIMARY KEY,
                    applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
                )
                """)
            let applied = Set(try Self.appliedMigrations(connection))
            let known = PostgresSchemaMigrations.all.map(\.identifier)
            let unknown = applied.subtracting(known).sorted()
            if !unknown.isEmpty { throw StoreSchema.newerSchemaError(unknown: unknown) }
            for migration in PostgresSchemaMigrations.all where !applied.contains(migration.identifier) {
                do {
                    try connection.transaction {
                        if !migration.sql.isEmpty { try connection.execute(migration.sql) }
                        try migration.rows?(connection)
                        try connection.query(
                            "INSERT INTO schema_migration (identifier) VALUES ($1)", [.text(migration.identifier)])
                    }
                } catch let error as PostgresError {
                    throw StoreError(
                        .cannotOpen,
                        "the schema migration \(migration.identifier) failed and was rolled back: \(error)",
                        isTemporary: error.isTemporary)
                }
            }
            return known.count
        }
    }

    /// The schema version: the number of migrations applied (0 for an empty database).
    public func schemaVersion() throws -> Int {
        try pool.withConnection { connection in try Self.appliedMigrations(connection).count }
    }

    private static func appliedMigrations(_ connection: PostgresConnection) throws -> [String] {
        let exists = try connection.query("SELECT to_regclass('schema_migration') IS NOT NULL").bool(0, 0)
        guard exists else { return [] }
        let rows = try connection.query("SELECT identifier FROM schema_migration")
        return rows.map { rows.text($0, 0) }
    }
}
