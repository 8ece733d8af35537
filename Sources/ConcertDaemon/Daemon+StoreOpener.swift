import ConcertCore

extension Daemon {
    /// The store the daemon and `check-config` open: the one place that picks the engine. Today
    /// the SQLite file of the state directory, `databasePath`.
    static func storeOpener(databasePath: String) -> any StoreOpener {
        SQLiteStoreOpener(path: databasePath)
    }
}
