import GRDB

/// The running counters of the `counter` table (`delivery.scheduled`, `subscription.active`, …)
/// that `status` reads instead of counting rows.
///
/// State changes and deletions are counted by triggers; inserts are counted here by the code that
/// makes them, so that an insert never runs a trigger: a trigger makes SQLite keep a
/// statement journal for every insert of a bulk import.
enum Counters {
    /// Adds `amount` to the counter `name`, creating it when missing.
    static func add(_ db: Database, _ name: String, _ amount: Int = 1) throws {
        guard amount != 0 else { return }
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO counter (name, value) VALUES (?, ?)
                    ON CONFLICT (name) DO UPDATE SET value = value + excluded.value
                """)
        try statement.execute(arguments: [name, amount])
    }
}
