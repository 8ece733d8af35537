import ConcertCore

extension Daemon {
    /// The store the daemon and `check-config` open: the one place that picks the engine. Today
    /// the SQLite file of the state directory, `databasePath`.
    static func storeOpener(databasePath: String) -> any StoreOpener {
        SQLiteStoreOpener(path: databasePath)
    }

    /// Why this concertd cannot use the store `configuration` asks for, or nil. `database_url` is
    /// read and checked, but the PostgreSQL store is not yet opened by the daemon: a start given
    /// one must not keep the reminders in a SQLite file the operator did not ask for.
    static func storeProblem(_ configuration: DaemonConfiguration, databasePath: String) -> String? {
        guard configuration.databaseURL != nil else { return nil }
        return
            "database_url: this concertd cannot open a PostgreSQL store yet (docs/postgresql.md says what is built); "
            + "remove database_url (and --database-url) to keep the store in the SQLite file \(databasePath)"
    }
}
