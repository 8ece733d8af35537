import ConcertCore

extension StoreMigration {
    /// One table of the store as it is copied: its columns on SQLite, read in `order`, and the
    /// columns only PostgreSQL has, with the value each copied row gets there.
    struct Table: Sendable {
        var name: String
        /// The SQLite columns, each copied into the PostgreSQL column of the same name.
        var columns: [String]
        /// SQLite's `ORDER BY` for the read: the rows go in in this order.
        var order: String
        /// Columns of the PostgreSQL table filled by the copy itself.
        var addedColumns: [String] = []
        /// The values of ``addedColumns`` for one row (its SQLite values, in ``columns``' order).
        var addedValues: (@Sendable ([StoreCellValue]) -> [PostgresValue])? = nil
        /// Columns of the PostgreSQL table the copy leaves to the table's default (an identity).
        var generatedColumns: [String] = []
    }

    /// Every table of the store, parents before the tables that refer to them. A table or column
    /// the SQLite file has and this list lacks, or a PostgreSQL table it lacks, refuses the copy
    /// (``StoreMigration/copy(fromSQLite:to:)``): nothing is left behind unsaid.
    ///
    /// Beyond these, each engine records its applied migrations its own way (SQLite's
    /// `grdb_migrations`, PostgreSQL's `schema_migration`): the target is migrated by this code to
    /// the same version the source has, and that record is not copied.
    static let tables: [Table] = [
        Table(
            name: "concert",
            columns: [
                "id", "origin", "revision", "status", "starts_at", "ends_at", "reminder_deadline", "time_announced",
                "body", "created_at", "updated_at",
            ],
            order: "rowid"),
        Table(name: "concert_city", columns: ["city_id", "concert_id"], order: "concert_id, city_id"),
        // Copied in the order of SQLite's `rowid`, the order of creation the listings page by:
        // PostgreSQL's `position` (an identity) numbers the rows as they arrive, in that order.
        Table(
            name: "subscription",
            columns: [
                "id", "channel", "target", "format", "secret", "destination", "cities", "offsets", "lang", "label",
                "state", "state_reason", "created_at", "updated_at", "source",
            ],
            order: "rowid", generatedColumns: ["position"]),
        Table(name: "subscription_city", columns: ["city_id", "subscription_id"], order: "subscription_id, city_id"),
        // The ids are kept (a test message's idempotency key holds its id; the others derive from
        // the row's identity, which is copied as it is). A `sending` row (a daemon stopped in the
        // middle of its send) is carried as `sending`, held by no instance, with a lease that has
        // already expired: the first instance to start takes it back (`recoverInterruptedSends`)
        // as SQLite's recovery would have, its open attempt ending as interrupted, and sends it
        // again with the same idempotency key.
        Table(
            name: "delivery",
            columns: [
                "id", "subscription_id", "concert_id", "concert_revision", "kind", "offset_seconds", "due_at",
                "deadline_at", "state", "reason", "attempts", "next_attempt_at", "last_error", "detail", "created_at",
                "finished_at",
            ],
            order: "id", addedColumns: ["claimed_by", "lease_expires_at"],
            addedValues: { row in [.null, row[8] == .text("sending") ? .text("-infinity") : .null] }),
        // `instance`: which instance made the attempt; none for those made before the move.
        Table(
            name: "attempt",
            columns: ["delivery_id", "number", "started_at", "finished_at", "outcome", "detail"],
            order: "delivery_id, number", addedColumns: ["instance"], addedValues: { _ in [.null] }),
        // One row per name and instance on PostgreSQL: the SQLite totals go under `-`, the
        // instance of rows that no instance wrote (the migrations' own), and readers sum a name's rows.
        Table(
            name: "counter", columns: ["name", "value"], order: "name", addedColumns: ["instance"],
            addedValues: { _ in [.text("-")] }),
        Table(
            name: "web_request",
            columns: [
                "id", "channel", "target", "format", "cities", "offsets", "lang", "created_at", "expires_at",
                "subscription_id",
            ],
            order: "rowid"),
        Table(name: "web_token_key", columns: ["id", "secret", "created_at"], order: "id"),
        Table(name: "web_rate_count", columns: ["key", "window_end", "count"], order: "key, window_end"),
        Table(name: "web_undo", columns: ["removed_id", "restored_id"], order: "removed_id"),
        // The catalog the moved installation had in force: the first instance to start on the
        // target compares its file with it, as after any start.
        Table(
            name: "catalog_in_force", columns: ["id", "version", "body", "taken_at", "taken_by"], order: "id"),
    ]

    /// The store's tables only PostgreSQL has, left empty by the copy (and refused if the target
    /// holds rows in them): `clock_anchor`, the shifted clock instances share, which the first
    /// instance to start with `--clock-start` writes.
    static let postgresOnlyTables = ["clock_anchor"]
}

extension StoreCellValue {
    /// The value as a parameter or COPY field of PostgreSQL.
    var postgresValue: PostgresValue {
        switch self {
        case .null: .null
        case .integer(let value): .integer(value)
        case .real(let value): .double(value)
        case .text(let value): .text(value)
        case .blob(let value): .bytes(value)
        }
    }
}
