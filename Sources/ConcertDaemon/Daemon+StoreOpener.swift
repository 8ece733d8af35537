import ConcertCore
import ConcertPostgres
import ConcertProtocol

extension Daemon {
    /// The store the daemon and `check-config` open: the one place that picks the engine. The
    /// PostgreSQL database of `database_url` when it is set, else the SQLite file of the state
    /// directory, `databasePath`.
    static func storeOpener(_ configuration: DaemonConfiguration, databasePath: String) -> any StoreOpener {
        PostgresStoreOpener(configuration: configuration) ?? SQLiteStoreOpener(path: databasePath)
    }

    /// Where the store is, for the journal and `check-config`: the SQLite file, or the
    /// PostgreSQL database's host, port and name (never a user or password).
    static func storeLocation(_ configuration: DaemonConfiguration, databasePath: String) -> String {
        guard let url = configuration.databaseURL else { return databasePath }
        return "postgresql://" + url.serverDescription
    }
}

extension Daemon {
    /// The store as `status` shows it: the engine, the SQLite file or the PostgreSQL database's
    /// host, port and name (never a user or password), and on PostgreSQL this instance's name. The
    /// configuration's `database_url` is read at start only, so the running one's.
    static func storeStatus(_ resolved: ResolvedConfiguration) -> StoreStatus {
        let configuration = resolved.configuration
        guard let url = configuration.databaseURL else {
            return StoreStatus(engine: "sqlite", path: resolved.paths.databasePath)
        }
        return StoreStatus(
            engine: "postgresql", host: url.host, port: url.effectivePort, database: url.database,
            instanceName: configuration.effectiveInstanceName)
    }
}
