import ConcertCore
import Foundation

/// The PostgreSQL store a daemon's configuration names (`database_url`), opened as its
/// ``StoreOpener``: several instances share the database, each under its own `instance_name`.
///
/// What instances must not share is the name: a restarted instance takes back the rows its
/// earlier life held under it (``PostgresStore/recoverInterruptedSends(now:)``), so a second live
/// instance of one name would take back the first one's sends in flight. ``open()`` refuses a name
/// a live session holds (``InstanceNameInUse``).
public struct PostgresStoreOpener: StoreOpener {
    public let settings: PostgresSettings
    public let instanceName: String
    /// The lease of a claim (``PostgresStore/leaseSeconds(httpTimeout:smtpTimeout:)``).
    public let leaseSeconds: Int

    /// The store `configuration` names; nil when `database_url` is unset (the store is SQLite).
    public init?(configuration: DaemonConfiguration) {
        guard let settings = PostgresStore.settings(for: configuration) else { return nil }
        self.settings = settings
        instanceName = configuration.effectiveInstanceName
        leaseSeconds = PostgresStore.leaseSeconds(
            httpTimeout: configuration.httpTimeout, smtpTimeout: configuration.smtpTimeout)
    }

    /// Connects, refuses an `instance_name` a live session uses, and migrates. A server that cannot
    /// be reached now is a temporary ``StoreError`` (systemd starts the unit again).
    public func open() throws -> any ConcertdStore {
        do {
            return try Self.holdingInstanceName(settings, instanceName) {
                try PostgresStore.open(settings: settings, instanceName: instanceName, leaseSeconds: leaseSeconds)
            }
        } catch let error as PostgresError {
            throw storeError(error, "cannot be opened")
        }
    }

    public func openToRead() throws -> (any ConcertdStore)? {
        do {
            return try PostgresStore.openToRead(settings: settings, instanceName: instanceName)
        } catch let error as PostgresError {
            throw storeError(error, "cannot be read")
        }
    }

    /// The store's failure, naming the database as everywhere (`HOST:PORT/NAME`).
    private func storeError(_ error: PostgresError, _ what: String) -> StoreError {
        StoreError(
            .cannotOpen, "the PostgreSQL store \(settings.url.serverDescription) \(what): \(error)",
            isTemporary: error.isTemporary)
    }

    /// The class of the transaction advisory lock on an instance name: "inst".
    static let instanceLockClass: Int64 = 0x696E_7374

    /// Runs `open` (which connects the store's own sessions, `application_name` `concertd/NAME`)
    /// after checking, under a lock on the name, that no live session uses `name`. The lock
    /// (a transaction advisory lock on a connection of its own, named apart) makes two instances
    /// starting together with one name take turns: the second finds the first one's sessions.
    static func holdingInstanceName<T>(
        _ settings: PostgresSettings, _ name: String, _ open: () throws -> T
    ) throws -> T {
        var guardSettings = settings
        guardSettings.applicationName = "concertd-start/\(name)"
        let connection = try PostgresConnection(guardSettings)
        defer { connection.close() }
        return try connection.transaction {
            try connection.query(
                "SELECT pg_advisory_xact_lock($1::int, hashtext($2))", [.integer(instanceLockClass), .text(name)])
            if let holder = try liveSession(of: name, database: settings.url.serverDescription, on: connection) {
                throw holder
            }
            return try open()
        }
    }
}

extension PostgresStoreOpener {
    /// The oldest live session of the database, other than `connection`'s, that serves an instance
    /// named `name` (``PostgresStore/servesInstance(_:)``), as the refusal of a start under that
    /// name gives it; nil when there is none.
    public static func liveSession(
        of name: String, database: String, on connection: PostgresConnection
    ) throws -> InstanceNameInUse? {
        let holders = try connection.query(
            """
            SELECT pid, coalesce(host(client_addr), 'a local socket'),
                to_char(backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
            FROM pg_stat_activity
            WHERE \(PostgresStore.servesInstance("$1::text")) AND pid <> pg_backend_pid()
                AND datname = current_database()
            ORDER BY backend_start LIMIT 1
            """, [.text(name)])
        guard holders.count > 0 else { return nil }
        return InstanceNameInUse(
            instanceName: name, database: database, pid: holders.int(0, 0), client: holders.text(0, 1),
            since: holders.text(0, 2))
    }
}

/// A start refused: a live session of the database already serves an instance of this name.
public struct InstanceNameInUse: Error, CustomStringConvertible, Sendable {
    public var instanceName: String
    /// `host:port/name` of the database.
    public var database: String
    /// The server process of the other instance's session, where it connects from, and since when.
    public var pid: Int
    public var client: String
    public var since: String

    public var description: String {
        "instance_name '\(instanceName)' is in use: a live session of \(database) (server pid \(pid), from \(client), "
            + "connected since \(since)) is another concertd of that name, and two instances of one name would take "
            + "back each other's sends; give this instance another instance_name, or stop the other one (the session "
            + "of an instance that died ends when the server notices its connection closed)"
    }
}
