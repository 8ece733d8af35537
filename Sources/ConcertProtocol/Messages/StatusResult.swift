/// The result of `status`: what the daemon is, how long it has run, its clock and its counters.
///
/// The counts come from running counters kept by the daemon, not from counting rows.
public struct StatusResult: Codable, Sendable, Hashable {
    /// The daemon's version, `0.1.0`.
    public var version: String
    /// The protocol version the daemon speaks; concertctl warns when it differs from its own.
    public var protocolVersion: Int
    public var uptimeSeconds: Int
    public var clock: ClockStatus
    public var counts: StatusCounts
    /// Destinations whose last sends failed, worst first; empty when all is well.
    public var failingDestinations: [FailingDestination]
    /// The next reminder due, if any.
    public var nextDue: DeliveryInfo?
    /// Set while the daemon cannot read or write its database (locked, disk full, read-only):
    /// nothing is sent meanwhile and the results of sends in flight are kept until it can.
    public var storeError: StoreErrorStatus?
    /// Where the web front door listens (`web_listen`, with the port chosen when 0 was asked
    /// for) and its public address; absent when it is off.
    public var web: WebListenerStatus?
    /// Where the metrics listener listens (`metrics_listen`); absent when it is off.
    public var metrics: MetricsListenerStatus?
    /// The store the daemon keeps its data in and this instance's name; absent from a daemon
    /// older than this member.
    public var store: StoreStatus?
    /// The catalog in force and the catalog file; absent from an older daemon's answer.
    public var catalog: CatalogStatus?
    /// The parts of the answer that need the store and could not be read from it (the store out
    /// of reach: `store.unreachable_since` says since when): `counts`, `next_due`,
    /// `web.pending_requests`. Their members hold nothing read. Absent when all was read.
    public var notRead: [String]?

    public init(
        version: String, protocolVersion: Int = ProtocolVersion.current, uptimeSeconds: Int, clock: ClockStatus,
        counts: StatusCounts, failingDestinations: [FailingDestination] = [], nextDue: DeliveryInfo? = nil,
        storeError: StoreErrorStatus? = nil
    ) {
        self.version = version
        self.protocolVersion = protocolVersion
        self.uptimeSeconds = uptimeSeconds
        self.clock = clock
        self.counts = counts
        self.failingDestinations = failingDestinations
        self.nextDue = nextDue
        self.storeError = storeError
    }

    private enum CodingKeys: String, CodingKey {
        case version, clock, counts
        case protocolVersion = "protocol"
        case uptimeSeconds = "uptime_seconds"
        case failingDestinations = "failing_destinations"
        case nextDue = "next_due"
        case storeError = "store_error"
        case web
        case metrics
        case store
        case catalog
        case notRead = "not_read"
    }
}

/// Where the daemon keeps its data: the engine, the SQLite file or the PostgreSQL database (host,
/// port and name; never a user or password), and the name this instance goes by among those
/// sharing a PostgreSQL database (`instance_name`).
public struct StoreStatus: Codable, Sendable, Hashable {
    /// `sqlite` or `postgresql`.
    public var engine: String
    /// The SQLite file; absent on PostgreSQL.
    public var path: String?
    /// The PostgreSQL server's host (a name, an address, or a socket directory) and port, and the
    /// database's name; absent on SQLite.
    public var host: String?
    public var port: Int?
    public var database: String?
    /// This instance's `instance_name`; absent on SQLite, where there is one instance.
    public var instanceName: String?
    /// Since when the store's server cannot be reached or refuses this instance (ISO 8601, the
    /// daemon's clock), from what the daemon last met; absent while it answers.
    public var unreachableSince: String?
    /// Why: the last failure's reason, secrets masked; absent while it answers.
    public var unreachableReason: String?

    public init(
        engine: String, path: String? = nil, host: String? = nil, port: Int? = nil, database: String? = nil,
        instanceName: String? = nil
    ) {
        self.engine = engine
        self.path = path
        self.host = host
        self.port = port
        self.database = database
        self.instanceName = instanceName
    }

    private enum CodingKeys: String, CodingKey {
        case engine, path, host, port, database
        case instanceName = "instance_name"
        case unreachableSince = "unreachable_since"
        case unreachableReason = "unreachable_reason"
    }
}

/// The catalog in force (kept in the database) and the daemon's catalog file, as `status` shows
/// them. They differ when instances share a PostgreSQL store and this one's file is not the catalog
/// in force: the file was not imported, and `concertctl reload` takes it.
public struct CatalogStatus: Codable, Sendable, Hashable {
    /// The version of the catalog in force: 16 hex digits of a hash of what it says.
    public var version: String
    /// When it was made the catalog in force (ISO 8601, the daemon's clock); absent when unknown.
    public var takenAt: String?
    /// The instance that made it the catalog in force, on a shared store.
    public var takenBy: String?
    /// The catalog file this daemon reads.
    public var file: String
    /// The file's version as it is now; when it cannot be read or used now, as last read (start,
    /// reload), and `fileProblem` says why.
    public var fileVersion: String
    /// Why the file cannot be read or used now (missing, unreadable, invalid); absent when it can.
    public var fileProblem: String?

    public init(
        version: String, takenAt: String? = nil, takenBy: String? = nil, file: String, fileVersion: String,
        fileProblem: String? = nil
    ) {
        self.version = version
        self.takenAt = takenAt
        self.takenBy = takenBy
        self.file = file
        self.fileVersion = fileVersion
        self.fileProblem = fileProblem
    }

    /// Whether the file is the catalog in force.
    public var fileInForce: Bool { fileVersion == version }

    private enum CodingKeys: String, CodingKey {
        case version, file
        case takenAt = "taken_at"
        case takenBy = "taken_by"
        case fileVersion = "file_version"
        case fileProblem = "file_problem"
    }
}

/// The database error that stops the scheduler, and when it tries again.
public struct StoreErrorStatus: Codable, Sendable, Hashable {
    /// The database's message: `database is locked (SQLite error 5)`.
    public var message: String
    /// ISO 8601 time of the first failure of the current run.
    public var since: String
    /// ISO 8601 time of the next try.
    public var retryingAt: String
    /// Consecutive failed tries.
    public var failures: Int

    public init(message: String, since: String, retryingAt: String, failures: Int) {
        self.message = message
        self.since = since
        self.retryingAt = retryingAt
        self.failures = failures
    }

    private enum CodingKeys: String, CodingKey {
        case message, since, failures
        case retryingAt = "retrying_at"
    }
}

/// The daemon's clock: the time it believes it is, and whether that is shifted for a rehearsal.
public struct ClockStatus: Codable, Sendable, Hashable {
    /// ISO 8601 with `+09:00`.
    public var now: String
    /// Whether `--clock-start` or `--clock-rate` shifted the clock away from real time.
    public var shifted: Bool
    /// Seconds of daemon time per real second; 1 unless shifted.
    public var rate: Double

    public init(now: String, shifted: Bool, rate: Double) {
        self.now = now
        self.shifted = shifted
        self.rate = rate
    }
}

/// Counts by state: `{"concerts": {"upcoming": 15, "over": 0, "cancelled": 1}, "deliveries": {"sent": 40, …}}`.
///
/// Concerts are counted as `upcoming` (scheduled, not yet ended), `over` (scheduled, ended) and
/// `cancelled`; subscriptions and deliveries by their `state`. A state with no items may be absent.
public struct StatusCounts: Codable, Sendable, Hashable {
    public var concerts: [String: Int]
    public var subscriptions: [String: Int]
    public var deliveries: [String: Int]

    public init(concerts: [String: Int], subscriptions: [String: Int], deliveries: [String: Int]) {
        self.concerts = concerts
        self.subscriptions = subscriptions
        self.deliveries = deliveries
    }
}

/// A destination (an SMTP smarthost, a webhook host) whose recent sends failed.
public struct FailingDestination: Codable, Sendable, Hashable {
    /// `smtp`, or a webhook URL's `host[:port]`.
    public var destination: String
    /// Consecutive failed attempts.
    public var failures: Int
    /// The last error, secrets masked.
    public var lastError: String?
    /// ISO 8601 time of the first failure of the current run.
    public var since: String?

    public init(destination: String, failures: Int, lastError: String? = nil, since: String? = nil) {
        self.destination = destination
        self.failures = failures
        self.lastError = lastError
        self.since = since
    }

    private enum CodingKeys: String, CodingKey {
        case destination, failures, since
        case lastError = "last_error"
    }
}

/// The web front door as `status` shows it.
public struct WebListenerStatus: Codable, Sendable, Hashable {
    /// `HOST:PORT` it is bound to.
    public var listen: String
    /// The public address used in links (`web_base_url`).
    public var baseURL: String
    /// Requests to subscribe that are neither confirmed nor expired: what `subscriptions` counts
    /// below its table. Absent from an older daemon's answer.
    public var pendingRequests: Int?

    public init(listen: String, baseURL: String, pendingRequests: Int? = nil) {
        self.listen = listen
        self.baseURL = baseURL
        self.pendingRequests = pendingRequests
    }

    private enum CodingKeys: String, CodingKey {
        case listen
        case baseURL = "base_url"
        case pendingRequests = "pending_requests"
    }
}

/// The metrics listener as `status` shows it.
public struct MetricsListenerStatus: Codable, Sendable, Hashable {
    /// `HOST:PORT` it is bound to (the port chosen when 0 was asked for).
    public var listen: String

    public init(listen: String) {
        self.listen = listen
    }
}
