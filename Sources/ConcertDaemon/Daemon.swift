import ConcertCore
import ConcertMetrics
import ConcertPostgres
import ConcertWeb
import Dispatch
import Foundation
import Logging
import NIOPosix

/// The running daemon: configuration, catalog, database, scheduler and channels, with the life
/// cycle of a well-made Unix daemon (refuse to start on bad input, reload on SIGHUP keeping the
/// old configuration when the new one is broken, drain on SIGTERM, tell systemd each step).
public final class Daemon: @unchecked Sendable {
    // @unchecked: mutable state (`resolved`, `catalog`, `reloads`) is only touched under `lock`.
    public let startedAt: Date
    /// The store, through its interfaces, opened by ``storeOpener(_:databasePath:)``.
    public let database: any ConcertdStore
    /// The SQLite file's lock, held from before the database is opened until `stop` returns: one
    /// daemon per file. None on PostgreSQL, where instances share the database (each under its
    /// own `instance_name`, which `PostgresStoreOpener` refuses when a live session uses it).
    let databaseLock: DatabaseLock?
    public let scheduler: DeliveryScheduler
    /// On PostgreSQL, takes back the sends of instances that died while this one runs.
    let leaseReclaimer: LeaseReclaimer?
    /// On PostgreSQL, wakes the scheduler when another instance changed what is due, and takes
    /// the catalog in force when another instance's reload changed it. Made by `begin` (it calls
    /// back into the daemon), under `lock`.
    private var storeChangeListener: StoreChangeListener?
    /// `status`'s reads of the store, bounded in time (`DaemonControlHandler.statusReport`).
    let statusReads = StatusReadRunner()
    /// Whether the scheduler and the database still answer: the watchdog's condition.
    let liveness: LivenessCheck
    /// The one libcurl transport: a thread running the multi loop, shared by every channel.
    let transport: CurlTransport
    public let clock: any WallClock
    public let logger: Logger
    let notifier: SystemdNotifier
    let logSettings: LogSettings
    let configFile: String?
    let overrides: ConfigurationOverrides
    let resolver: ConfigurationResolver
    let lock = NSLock()
    /// Held by a reload from its catalog import until the scheduler has the new catalog, and by
    /// ``followCatalogInForce()``: the two do not interleave.
    let catalogChange = NSLock()
    private var resolvedConfiguration: ResolvedConfiguration
    /// The catalog in force: the store's (``currentCatalogInForce``), what the daemon reminds of.
    var currentCatalog: Catalog
    /// The store's record of the catalog in force as last read (start, reload, follow).
    var currentCatalogInForce: CatalogInForce?
    /// The version of the catalog file as last read (start, reload): the catalog in force's
    /// unless a shared store keeps another (``CatalogAtStart``).
    var catalogFileVersion: String
    /// The catalog file as it is now, for `status`.
    let catalogFileLook = CatalogFileLook()
    /// This instance's name on a store instances share, as its records of the catalog name it.
    var instanceNameIfShared: String? {
        database.sharedByInstances ? resolved.configuration.effectiveInstanceName : nil
    }
    /// What `begin` does with the file.
    private let catalogAtStart: CatalogAtStart
    private var currentRenderer: MessageRenderer
    private var pinger: WatchdogPinger?
    private var statusTimer: (any DispatchSourceTimer)?
    private var statusPending = false
    private var controlServer: ControlServer?
    /// The metrics of `/metrics`, when `metrics_listen` is set; `nil` costs nothing per delivery.
    public let metrics: DaemonMetrics?
    private var metricsServer: MetricsServer?
    private var webServer: (listener: HTTPListener, blocking: NIOThreadPool, address: ListenAddress)?
    /// The front door's links in every email, when `web_listen` is set.
    let webLinks: WebLinks?

    /// Where the web front door listens (the port chosen when 0 was asked for), if anywhere.
    public var webAddress: ListenAddress? { lock.withLock { webServer?.address } }

    func setWebServer(_ listener: HTTPListener, blocking: NIOThreadPool, address: ListenAddress) {
        lock.withLock { webServer = (listener, blocking, address) }
    }

    /// The running web listener, forgotten: the one caller that gets it stops it.
    func takeWebServer() -> (listener: HTTPListener, blocking: NIOThreadPool)? {
        lock.withLock {
            defer { webServer = nil }
            return webServer.map { ($0.listener, $0.blocking) }
        }
    }

    /// Where `/metrics` and `/healthz` are served (the port chosen when 0 was asked for), if anywhere.
    public var metricsAddress: ListenAddress? { lock.withLock { metricsServer?.boundAddress } }

    func setMetricsServer(_ server: MetricsServer) { lock.withLock { metricsServer = server } }

    /// The running metrics server, forgotten: the one caller that gets it stops it.
    func takeMetricsServer() -> MetricsServer? {
        lock.withLock {
            defer { metricsServer = nil }
            return metricsServer
        }
    }

    /// The configuration in force.
    public var resolved: ResolvedConfiguration { lock.withLock { resolvedConfiguration } }
    /// The catalog in force.
    public var catalog: Catalog { lock.withLock { currentCatalog } }
    /// The message templates in force.
    public var renderer: MessageRenderer { lock.withLock { currentRenderer } }

    /// `text` with every secret the daemon knows masked: for replies, `last_error` and logs.
    public func redact(_ text: String) -> String { logSettings.redactor.redact(text) }

    /// Everything `start` needs from the command line.
    public struct Options: Sendable {
        public var configFile: String?
        public var overrides: ConfigurationOverrides
        public var environment: [String: String]

        public init(
            configFile: String? = nil, overrides: ConfigurationOverrides = ConfigurationOverrides(),
            environment: [String: String] = ProcessInfo.processInfo.environment
        ) {
            self.configFile = configFile
            self.overrides = overrides
            self.environment = environment
        }
    }

    /// Loads and checks everything, takes the database's lock, opens the database, imports the
    /// catalog, starts the scheduler and tells systemd it is ready. Throws, changing nothing, when
    /// the configuration, the catalog or the database cannot be used, or another concertd holds
    /// the database; the error's kind says whether trying again later may succeed.
    public static func start(
        _ options: Options, logSettings: LogSettings = LogSettings(), logger: Logger
    ) throws(StartupError) -> Daemon {
        try DescriptorBudget.checkMinimum()
        let resolver = ConfigurationResolver(environment: options.environment)
        let resolved: ResolvedConfiguration
        do {
            resolved = try resolver.resolve(configFile: options.configFile, overrides: options.overrides)
        } catch {
            throw StartupError(.configuration, problems: error.problems.map(\.description))
        }
        logSettings.apply(resolved.configuration)
        let descriptorLimit = DescriptorBudget.raiseLimit(toward: DescriptorBudget.needed(for: resolved.configuration))
        DescriptorBudget.warnIfShort(resolved.configuration, limit: descriptorLimit, logger: logger)
        let catalog: Catalog
        do {
            catalog = try CatalogLoader().load(path: resolved.paths.catalogPath)
        } catch {
            throw StartupError(.catalog, problems: error.description.split(separator: "\n").map(String.init))
        }
        // Before a SQLite file is opened: a second daemon must not migrate or recover it either.
        // On PostgreSQL the state directory holds no database but a bulk import's staged lines:
        // made here all the same, so that a missing or unusable one stops the start, not an import.
        let databaseLock: DatabaseLock?
        if resolved.configuration.databaseURL == nil {
            databaseLock = try DatabaseLock.acquire(databasePath: resolved.paths.databasePath)
        } else {
            try DatabaseLock.createDirectories(resolved.paths.stateDirectory)
            databaseLock = nil
        }
        let database: any ConcertdStore
        do {
            database = try storeOpener(resolved.configuration, databasePath: resolved.paths.databasePath).open()
        } catch let error as InstanceNameInUse {
            throw StartupError(.anotherDaemon, error.description)
        } catch {
            throw StartupError.store(error)
        }
        // A start refused from here on ends the store's sessions, so its instance_name is free.
        var started = false
        defer { if !started { (database as? PostgresStore)?.close() } }
        let atStart: CatalogAtStart
        let anchor: ClockAnchor
        do {
            atStart = Self.catalogAtStart(
                file: catalog, inForce: try database.catalogInForce(), shared: database.sharedByInstances)
        } catch {
            throw StartupError.store(error)
        }
        do {
            anchor = try database.anchorClock(resolved.configuration.clockShift)
        } catch let error as StoreError where error.code == .invalid {
            // Flags that differ from those of the instances running on a shared store.
            throw StartupError(.configuration, "--clock-start, --clock-rate: \(error.message)")
        } catch {
            throw StartupError.store(error)
        }
        var metrics: DaemonMetrics?
        if resolved.configuration.metricsListen != nil {
            metrics = DaemonMetrics(version: ConcertDaemonInfo.version, startedAt: Date())
        }
        let transport: CurlTransport
        do {
            transport = try ChannelFactory.transport(for: resolved.configuration)
        } catch {
            throw StartupError(.temporarilyUnavailable, "libcurl could not be set up: \(error)")
        }
        let clock = anchor.makeClock()
        if let shift = anchor.shift {
            var metadata: Logger.Metadata = [
                "clock.now": "\(KoreaTime.iso8601(clock.now()))", "clock.rate": "\(shift.rate)",
            ]
            if !anchor.followedInstances.isEmpty {
                metadata["clock.follows"] = "\(anchor.followedInstances.joined(separator: ","))"
            }
            logger.warning(
                "SHIFTED CLOCK: concertd runs on a clock that is not the system's; do not use this in production",
                metadata: metadata)
        }
        var inForceCatalog = catalog
        if case .keepInForce(let inForce) = atStart { inForceCatalog = inForce.catalog }
        let daemon = Daemon(
            options: options, resolver: resolver, resolved: resolved, catalog: inForceCatalog,
            catalogAtStart: atStart, catalogFileVersion: catalog.version, database: database,
            databaseLock: databaseLock, transport: transport, clock: clock, metrics: metrics, logSettings: logSettings,
            logger: logger)
        try daemon.begin()
        started = true
        return daemon
    }

    private init(
        options: Options, resolver: ConfigurationResolver, resolved: ResolvedConfiguration, catalog: Catalog,
        catalogAtStart: CatalogAtStart, catalogFileVersion: String, database: any ConcertdStore,
        databaseLock: DatabaseLock?, transport: CurlTransport, clock: any WallClock, metrics: DaemonMetrics?,
        logSettings: LogSettings, logger: Logger
    ) {
        self.metrics = metrics
        self.transport = transport
        self.databaseLock = databaseLock
        self.startedAt = Date()
        self.configFile = options.configFile
        self.overrides = options.overrides
        self.resolver = resolver
        self.resolvedConfiguration = resolved
        self.currentCatalog = catalog
        self.catalogAtStart = catalogAtStart
        self.catalogFileVersion = catalogFileVersion
        self.database = database
        self.clock = clock
        self.logSettings = logSettings
        self.logger = logger
        self.notifier = SystemdNotifier(environment: options.environment, logger: logger)
        let configuration = resolved.configuration
        self.webLinks =
            configuration.webListen == nil ? nil : configuration.effectiveWebBaseURL.map { WebLinks(baseURL: $0) }
        let renderer = Self.makeRenderer(resolved, logger: logger).renderer
        self.currentRenderer = renderer
        self.scheduler = DeliveryScheduler(
            store: database, catalog: catalog,
            channels: ChannelFactory.channels(
                for: configuration, renderer: renderer, transport: transport, logger: logger, webLinks: webLinks),
            clock: clock, limits: configuration.sendLimits, retry: configuration.retryPolicy,
            observer: metrics, logger: logger)
        let scheduler = self.scheduler
        self.leaseReclaimer = (database as? PostgresStore).map { store in
            LeaseReclaimer(
                store: store, period: LeaseReclaimer.period(forLease: store.leaseSeconds), clock: clock,
                logger: logger,
                armedFor: {
                    let status = scheduler.status()
                    return status.inFlight > 0 ? nil : status.timerArmedFor ?? .distantFuture
                }, wake: { scheduler.wake() })
        }
        // Each part gets a third of the ping interval to answer, at most 5 s.
        let pingInterval = WatchdogPinger.interval(environment: options.environment) ?? .seconds(15)
        let liveness = LivenessCheck(
            scheduler: scheduler, database: database, timeout: min(.seconds(5), pingInterval / 3))
        self.liveness = liveness
        self.pinger =
            configuration.watchdog
            ? WatchdogPinger(
                notifier: notifier, environment: options.environment, queue: DispatchQueue(label: "concertd.watchdog"),
                isHealthy: WatchdogPinger.healthCheck({ liveness.run() }, logger: logger))
            : nil
    }

    /// Whether the daemon is alive: its scheduler runs and its database answers a read, neither
    /// needing the write lock (`LivenessCheck`). What the watchdog pings on.
    func checkLiveness() -> LivenessReport {
        liveness.run()
    }

    private func begin() throws(StartupError) {
        let configuration = resolved.configuration
        let controlGroup = try Self.groupID(configuration.socketGroup) ?? getegid()
        // First: an address that cannot be bound refuses the start before anything is sent.
        try startMetricsServer()
        do {
            try startWebServer()
        } catch {
            stopMetricsServer()
            throw error
        }
        let recovered: Int
        do {
            switch catalogAtStart {
            case .importFile:
                logCatalogChanges(try database.importCatalog(catalog, now: clock.now()))
            case .fileInForce:
                break
            case .keepInForce(let inForce):
                logger.warning(
                    "\(Self.catalogFileNotImported(path: resolved.paths.catalogPath, fileVersion: catalogFileVersion, inForce: inForce))",
                    metadata: [
                        "catalog": "\(resolved.paths.catalogPath)", "catalog.file_version": "\(catalogFileVersion)",
                        "catalog.version": "\(inForce.version)",
                    ])
            }
            let read = try database.catalogInForce()
            let held = catalog
            let inForce = Self.record(of: held, read: read, takenAt: clock.now(), takenBy: instanceNameIfShared)
            lock.withLock { currentCatalogInForce = inForce }
            try warnOfCitiesNotInCatalog()
            recovered = try scheduler.start()
        } catch {
            stopMetricsServer()
            stopWebServer()
            throw .store(error)
        }
        let server = ControlServer(
            configuration: ControlServer.Configuration(
                socketPath: resolved.paths.socketPath, controlGroup: controlGroup,
                idleTimeout: configuration.controlIdleTimeout, maximumConnections: configuration.controlMaxClients),
            handler: DaemonControlHandler(daemon: self), logger: logger)
        do {
            try server.start()
        } catch {
            _ = scheduler.shutdown(grace: 0)
            stopMetricsServer()
            stopWebServer()
            throw StartupError(error.isTemporary ? .temporarilyUnavailable : .configuration, error.description)
        }
        controlServer = server
        let schema: Int
        do {
            schema = try database.schemaVersion()
        } catch {
            server.stop()
            _ = scheduler.shutdown(grace: 0)
            stopMetricsServer()
            stopWebServer()
            throw .store(error)
        }
        logger.info(
            "concertd started",
            metadata: [
                "database": "\(Self.storeLocation(configuration, databasePath: resolved.paths.databasePath))",
                "instance": "\(configuration.databaseURL == nil ? "" : configuration.effectiveInstanceName)",
                "schema": "\(schema)",
                "catalog": "\(resolved.paths.catalogPath)", "concerts": "\(catalog.concerts.count)",
                "config": "\(resolved.file ?? "built-in defaults")", "recovered": "\(recovered)",
                "socket": "\(resolved.paths.socketPath)",
                "metrics.address": "\(metricsAddress.map(\.description) ?? "off")",
                "web.address": "\(webAddress.map(\.description) ?? "off")",
            ])
        leaseReclaimer?.start()
        if let store = database as? PostgresStore {
            let listener = StoreChangeListener(
                store: store, logger: logger,
                onCatalog: { [weak self] in
                    guard let self else { return }
                    do {
                        try self.followCatalogInForce()
                    } catch {
                        self.logger.warning(
                            "the catalog in force could not be read; the catalog held stays in force",
                            metadata: ["error": "\(error)"])
                    }
                },
                // Waits until the scheduler has taken the wake: notices heard meanwhile make one more.
                wake: { [scheduler = self.scheduler] in
                    scheduler.wake()
                    scheduler.queue.sync {}
                })
            lock.withLock { storeChangeListener = listener }
            listener.start()
        }
        pinger?.start()
        notifier.ready(status: statusLine())
        startStatusUpdates()
    }

    /// A one-line summary for systemd's `STATUS=`.
    private func statusLine() -> String {
        let status = scheduler.status()
        let counters: [String: Int]
        do {
            counters = try database.counters()
        } catch {
            return "DATABASE ERROR: the counters cannot be read: \(error)"
        }
        var parts = [
            "\(counters["subscription.active", default: 0]) subscriptions",
            "\(counters["delivery.scheduled", default: 0] + counters["delivery.retrying", default: 0]) pending",
            "\(counters["delivery.sent", default: 0]) sent",
            "\(counters["delivery.failed", default: 0]) failed",
        ]
        if let next = status.timerArmedFor { parts.append("next \(KoreaTime.iso8601(next))") }
        if !status.failingDestinations.isEmpty {
            parts.append("failing: " + status.failingDestinations.map(\.destination).joined(separator: ", "))
        }
        if let fault = status.storeFault { parts.append("DATABASE ERROR: \(fault.message)") }
        if status.clockShifted { parts.append("SHIFTED CLOCK") }
        return parts.joined(separator: "; ")
    }

    /// Refreshes `STATUS=` as work is done: after the scheduler records results, at most once a
    /// second. Nothing is armed while nothing happens, so an idle daemon makes no wake-ups.
    private func startStatusUpdates() {
        guard notifier.isEnabled else { return }
        let queue = DispatchQueue(label: "concertd.status")
        let timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(wallDeadline: .distantFuture)
        timer.setEventHandler { [weak self] in
            guard let self else { return }
            self.lock.withLock { self.statusPending = false }
            self.notifier.status(self.statusLine())
        }
        timer.resume()
        statusTimer = timer
        scheduler.onActivity { [weak self] in
            guard let self else { return }
            let arm = self.lock.withLock { () -> Bool in
                defer { self.statusPending = true }
                return !self.statusPending
            }
            if arm { self.statusTimer?.schedule(deadline: .now() + 1, leeway: .milliseconds(100)) }
        }
    }

    /// The templates of the configured directory; a broken one is reported (file and line) and
    /// its built-in text used instead. Without the directory the built-in texts are used: silently
    /// for the default directory, with a problem when `templates_directory` names one that is missing.
    static func makeRenderer(_ resolved: ResolvedConfiguration, logger: Logger?) -> (
        renderer: MessageRenderer, problems: [String]
    ) {
        let directory = resolved.paths.templatesDirectory
        guard FileManager.default.fileExists(atPath: directory) else {
            guard resolved.configuration.templatesDirectory != nil else { return (MessageRenderer(), []) }
            let problem = TemplateProblem(
                file: directory, reason: "templates_directory names no such directory; the built-in texts are used")
            logger?.warning("message templates not used: \(problem)", metadata: ["file": "\(directory)"])
            return (MessageRenderer(), [problem.description])
        }
        let renderer = MessageRenderer(directory: directory, logger: logger)
        return (renderer, renderer.problems.map(\.description))
    }

    /// The gid of the control group named by `socket_group`; without one, the daemon's own group
    /// (`Group=concertd-control` under systemd) is the control group, as the socket file's mode says.
    static func groupID(_ name: String?) throws(StartupError) -> gid_t? {
        guard let name else { return nil }
        guard let group = getgrnam(name) else {
            throw StartupError(.configuration, "socket_group: no group named '\(name)' on this system")
        }
        return group.pointee.gr_gid
    }

    /// What a reload did.
    public struct ReloadSummary: Sendable {
        public var changes: ConcertChanges
        public var restartNeeded: [String]
        /// Why the catalog file was not imported (``catalogKeptLine(path:fileVersion:inForce:)``),
        /// when a reload kept the catalog in force.
        public var catalogKept: String?
        /// Broken templates (built-in text used instead), keys that need a restart, and catalog
        /// edits not applied to concerts changed with concertctl.
        public var warnings: [String]
        public var description: String {
            var text =
                catalogKept.map { "configuration reloaded; \($0)" }
                ?? "configuration and catalog reloaded: \(changes.summary)"
            if !restartNeeded.isEmpty {
                text += "; these keys take effect at the next start: " + restartNeeded.joined(separator: ", ")
            }
            return text
        }
    }

    /// Re-reads the configuration and the catalog (SIGHUP, `concertctl reload`). A broken new
    /// configuration or catalog is rejected with the reason and the old one stays in force;
    /// nothing in flight is dropped. Either way the journal gets one line naming `requester`.
    ///
    /// On a store instances share, a catalog file unchanged since this instance last read it
    /// does not replace another catalog in force unless `takeFile` (``catalogKeptAtReload(file:lastRead:inForce:shared:takeFile:)``):
    /// the daemon takes the one in force, the configuration is reloaded, and the reply says why.
    public func reload(requestedBy requester: Requester, takeFile: Bool = false) throws(StartupError) -> ReloadSummary {
        notifier.reloading(status: "reloading configuration and catalog")
        defer { notifier.ready(status: statusLine()) }
        let newResolved: ResolvedConfiguration
        do {
            newResolved = try resolver.resolve(configFile: configFile, overrides: overrides)
        } catch {
            logger.error(
                "reload rejected; the old configuration stays in force",
                metadata: requester.metadata.merging(["error": "\(error)"]) { $1 })
            throw StartupError(.configuration, problems: error.problems.map(\.description))
        }
        let newCatalog: Catalog
        do {
            newCatalog = try CatalogLoader().load(path: newResolved.paths.catalogPath)
        } catch {
            logger.error(
                "reload rejected; the old catalog stays in force",
                metadata: requester.metadata.merging(["error": "\(error)"]) { $1 })
            throw StartupError(.catalog, problems: error.description.split(separator: "\n").map(String.init))
        }
        catalogChange.lock()
        defer { catalogChange.unlock() }
        let catalogPath = newResolved.paths.catalogPath
        let kept: CatalogInForce?
        do {
            kept =
                database.sharedByInstances
                ? Self.catalogKeptAtReload(
                    file: newCatalog, lastRead: lock.withLock { catalogFileVersion },
                    inForce: try database.catalogInForce(), shared: true, takeFile: takeFile) : nil
        } catch {
            logger.error(
                "reload could not read the catalog in force",
                metadata: requester.metadata.merging(["error": "\(error)"]) { $1 })
            throw .store(error, "the catalog in force could not be read")
        }
        let old = resolved
        let changes: ConcertChanges
        let now = clock.now()
        let inForce: CatalogInForce
        if let kept {
            changes = ConcertChanges()
            inForce = kept
            logger.warning(
                "\(Self.catalogKeptLine(path: catalogPath, fileVersion: newCatalog.version, inForce: kept))",
                metadata: requester.metadata.merging([
                    "catalog": "\(catalogPath)", "catalog.file_version": "\(newCatalog.version)",
                    "catalog.version": "\(kept.version)",
                ]) { $1 })
        } else {
            try refuseDroppingCitiesInUse(newCatalog, path: catalogPath, requester: requester)
            do {
                changes = try database.importCatalog(newCatalog, now: now, previous: catalog)
            } catch {
                logger.error(
                    "reload could not store the catalog",
                    metadata: requester.metadata.merging(["error": "\(error)"]) { $1 })
                throw .store(error, "the catalog could not be stored")
            }
            // The store's record names the instance; the import's own values when it cannot be read.
            inForce = Self.record(
                of: newCatalog, read: try? database.catalogInForce(), takenAt: now, takenBy: instanceNameIfShared)
        }
        let (newRenderer, templateProblems) = Self.makeRenderer(newResolved, logger: logger)
        lock.withLock {
            resolvedConfiguration = newResolved
            currentCatalog = inForce.catalog
            currentCatalogInForce = inForce
            catalogFileVersion = newCatalog.version
            currentRenderer = newRenderer
        }
        logSettings.apply(newResolved.configuration)
        let configuration = newResolved.configuration
        scheduler.update(catalog: inForce.catalog)
        scheduler.update(
            channels: ChannelFactory.channels(
                for: configuration, renderer: newRenderer, transport: transport, logger: logger, smtpSince: .now,
                webLinks: webLinks),
            limits: configuration.sendLimits, retry: configuration.retryPolicy)
        scheduler.wake()
        let restartNeeded = old.configuration.keysRequiringRestart(toBecome: configuration)
        let summary = ReloadSummary(
            changes: changes, restartNeeded: restartNeeded,
            catalogKept: kept.map {
                Self.catalogKeptLine(path: catalogPath, fileVersion: newCatalog.version, inForce: $0)
            },
            warnings: templateProblems.map { "template: \($0)" }
                + restartNeeded.map { "\($0) takes effect at the next start" } + changes.catalogWarnings
                + emailTurnedOffWarning(from: old.configuration, to: configuration, requester: requester))
        logger.notice(
            kept == nil
                ? "configuration and catalog reloaded" : "configuration reloaded; the catalog file not imported",
            metadata: changes.journalMetadata.merging(requester.metadata) { $1 }.merging([
                "restart_needed": "\(restartNeeded.joined(separator: ","))"
            ]) { $1 })
        // The running value stays in force: say so where the operator looks, one line per key.
        for key in restartNeeded {
            logger.warning("\(key) takes effect at the next start", metadata: requester.metadata)
        }
        return summary
    }

    /// Stops taking new sends, lets those in flight finish within `shutdown_grace`, records
    /// everything and tells systemd. Returns the sends still in flight (sent again at next start).
    @discardableResult
    public func stop() -> Int {
        let grace = resolved.configuration.shutdownGrace
        // Longer than the grace: the unit's TimeoutStopSec= need not know shutdown_grace.
        notifier.stopping(status: "stopping: finishing sends in flight", extendingTimeoutBy: grace + .seconds(15))
        controlServer?.stop()
        stopMetricsServer(timeout: grace)
        stopWebServer(timeout: grace)
        statusTimer?.cancel()
        pinger?.stop()
        let seconds = Double(grace.components.seconds) + Double(grace.components.attoseconds) / 1e18
        leaseReclaimer?.stop()
        lock.withLock { storeChangeListener }?.stop()
        let left = scheduler.shutdown(grace: seconds)
        transport.stop(timeout: .seconds(1))
        logger.info("concertd stopped", metadata: ["in_flight_left": "\(left)"])
        databaseLock?.release()
        (database as? PostgresStore)?.close()
        return left
    }

    /// The journal line of the catalog read at start, when it changed the stored concerts (or
    /// differs from concerts changed with concertctl, whose version is kept).
    private func logCatalogChanges(_ changes: ConcertChanges) {
        guard !changes.isEmpty || !changes.keptAdminVersion.isEmpty else { return }
        logger.info("catalog imported", metadata: changes.journalMetadata)
        for warning in changes.catalogWarnings { logger.warning("\(warning)") }
    }
}
