/// The store as a whole: its schema, its size, a consistent copy, and whether it answers.
///
/// The schema is migrated when a store opens (`AppDatabase.open`), which refuses one newer than
/// the code.
public protocol StoreMaintenance: Sendable {
    /// The schema version: the number of migrations applied.
    func schemaVersion() throws -> Int

    /// The store's size in bytes, as `backup(to:)` would copy it.
    func size() throws -> Int64

    /// Copies the whole store into a new file at `path`, consistent while writes go on, and
    /// returns the copy's schema version. `path` must not exist; the file is made with mode 0600.
    func backup(to path: String) throws -> Int

    /// Whether the store answers a read within `timeout`, even while a long write holds it.
    func readLiveness(timeout: Duration) -> LivenessReport
}
