import ConcertCore
import Foundation

/// The store on a PostgreSQL server, shared by every concertd instance given the same
/// `database_url` (docs/postgresql.md): the whole of ``ConcertdStore``, each interface in a file
/// of its own (`PostgresStore+Sending.swift`, `+Concerts`, `+Subscriptions` with
/// `+SubscriptionImport`, `+DeliveryHistory`, `+Maintenance` with `+Migrations`, `+WebFrontDoor`).
///
/// Each store call borrows one connection of ``pool`` for its transaction. Every connection says
/// which instance it serves (`concertd.instance`, `application_name`): the counters keep a row per
/// instance, and claims record the instance that holds them.
///
/// **The lock order.** The SQLite store has one writer; here transactions run side by side
/// (`READ COMMITTED`) on several connections and instances. A concert change reads the active
/// subscriptions of its cities and a new subscription reads the concerts of its cities: run at
/// once, each would miss the other's uncommitted row, and the subscription would lack the
/// concert's reminders. So every transaction takes its locks in this order (none waits for a lock
/// ranked before one it holds, so these locks cannot deadlock):
/// 1. **The planning lock** (``lockPlanning(_:)``, one transaction advisory lock), first, by every
///    transaction that plans rows or changes which subscriptions or concerts are planned for: a
///    concert change or catalog import, a subscription made (`concertctl subscribe`, a web
///    confirmation or undo), changed, paused, resumed or removed, the bulk import of
///    subscriptions (held until it commits), and a verdict that disables one (410). They run one
///    at a time, as on SQLite. Claims and other verdicts do not take it.
/// 2. **The target's lock** (``lockTarget(_:of:)``, an advisory lock on the channel target), next,
///    by every transaction that makes a subscription, held while it looks for the same
///    subscription and inserts its own: `concertctl subscribe` and the web front door's
///    confirmation and undo cannot both make one for a target.
/// 3. **Rows** (`FOR UPDATE`, updates), last.
///
/// A claim's lock on a message whose twins it reads (``twin(of:_:claimedBefore:)``) is only ever
/// tried, never waited for, and so has no rank.
public final class PostgresStore: ConcertdStore, Sendable {
    public let pool: PostgresPool
    /// This instance's name among those sharing the database.
    public let instanceName: String
    /// This store's life (``newLife()``), in its sessions' `application_name`.
    public let life: String
    /// How long a claimed row stays this instance's (on the server's clock) before another
    /// instance may take it back: longer than the longest send (`http_timeout`, `smtp_timeout`).
    public let leaseSeconds: Int
    /// The outstanding read of `readLiveness`, if any.
    let readProbe = LivenessProbe()
    /// Where the new ids of this store's last bulk import stopped, for the next one to continue
    /// (``PostgresSubscriptionImporter``).
    let importIDs = ImportIDs()

    /// A store over `settings` (not connected until first used, not migrated). With `readOnly`,
    /// every transaction on its connections is read-only: any write fails on the server.
    public init(
        settings: PostgresSettings, instanceName: String, leaseSeconds: Int = 300, capacity: Int = 4,
        readOnly: Bool = false
    ) {
        self.instanceName = instanceName
        let life = Self.newLife()
        self.life = life
        self.leaseSeconds = max(1, leaseSeconds)
        var settings = settings
        // A reader (`check-config`) goes by another name: it must not count as the live instance.
        settings.applicationName =
            readOnly ? "concertd-read/\(instanceName)" : Self.applicationName(instance: instanceName, life: life)
        pool = PostgresPool(settings: settings, capacity: capacity) { connection in
            try connection.query("SELECT set_config('concertd.instance', $1, false)", [.text(instanceName)])
            if readOnly { try connection.execute("SET default_transaction_read_only = on") }
        }
    }

    /// Connects, migrates (``migrate()``) and returns the store; refuses a schema a newer
    /// concertd wrote.
    public static func open(
        settings: PostgresSettings, instanceName: String, leaseSeconds: Int = 300
    ) throws -> PostgresStore {
        let store = PostgresStore(settings: settings, instanceName: instanceName, leaseSeconds: leaseSeconds)
        try store.migrate()
        return store
    }

    /// Closes the idle connections, so that the server sees this instance's sessions end (a
    /// restart under the same `instance_name` is then not refused). A later call connects again.
    public func close() {
        pool.closeIdle()
    }

    /// The store only to read it beside running instances (`check-config`), neither creating nor
    /// migrating anything; nil when the database holds no store yet. Every write fails.
    public static func openToRead(settings: PostgresSettings, instanceName: String) throws -> PostgresStore? {
        let store = PostgresStore(settings: settings, instanceName: instanceName, capacity: 1, readOnly: true)
        return try store.schemaVersion() == 0 ? nil : store
    }
}
