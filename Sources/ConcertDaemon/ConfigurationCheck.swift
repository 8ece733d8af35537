import ConcertCore
import ConcertPostgres
import ConcertShared
import Foundation

/// What `concertd check-config` finds: the configuration, the catalog and the message templates,
/// each read with the daemon's own loaders and renderer; the control group is looked up with the configuration.
///
/// Everything is checked even when the configuration has problems: the catalog and templates at
/// the paths it would give (a refused key leaves its default), so one run lists every problem.
/// A broken template is a problem here, though the daemon starts with its built-in text.
public struct ConfigurationCheck: Sendable {
    /// What was checked and found good, for standard output (control characters escaped).
    public var report: [String] = []
    /// One problem per line, each naming its file (and line) or flag, for standard error (control
    /// characters escaped).
    public var problems: [String] = []

    public init(
        configFile: String?, overrides: ConfigurationOverrides,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        // From a shell the service's credentials are absent: a password from one is noted, not refused.
        let (resolved, configurationProblems) = ConfigurationResolver(
            environment: environment, credentialsOnlyInService: true
        ).resolveDespiteProblems(configFile: configFile, overrides: overrides)
        let file = resolved.file ?? "built-in defaults"
        if configurationProblems.isEmpty {
            report.append("configuration: \(file) is valid")
        } else {
            report.append("configuration: \(file) has \(Self.count(configurationProblems.count))")
            problems += configurationProblems.map(\.description)
        }
        report += resolved.notes.map { "note: \($0)" }
        if let address = resolved.configuration.metricsListen {
            report.append("metrics: /metrics and /healthz at \(address); whether it can be bound is checked at start")
        }
        if let address = resolved.configuration.webListen, let base = resolved.configuration.effectiveWebBaseURL {
            report.append(
                "web: the front door at \(address), links to \(base); whether it can be bound is checked at start")
            // The key accepts yes/true/1 as well: say what the spelling came to.
            let hosts = resolved.configuration.webWebhookHosts
            report.append(
                resolved.configuration.webWebhooks
                    ? "web: chat channels (web_webhooks) on, webhook URLs on \(hosts.count) hosts (web_webhook_hosts)"
                    : "web: chat channels (web_webhooks) off")
        } else if resolved.configuration.webWebhooks {
            report.append("note: web_webhooks = on has no effect without web_listen")
        }
        let catalog = checkCatalog(resolved, refused: Set(configurationProblems.compactMap(\.key)))
        checkStore(resolved, catalog: catalog.map { ($0, resolved.paths.catalogPath) })
        checkTemplates(resolved)
        // Paths, keys and values quoted from the files: shown as concertctl shows them.
        report = report.map { TerminalEscaping.escaped($0) }
        problems = problems.map { TerminalEscaping.escaped($0) }
    }

    /// Where a path came from: the key or flag that set it, or the default.
    private static func origin(of key: String, flag: String, isSet: Bool, refused: Set<String>) -> String {
        if refused.contains(key) { return "the default, as the \(key) key has a problem" }
        return isSet ? "set by \(key) or \(flag)" : "the default"
    }

    /// The catalog, when it is valid.
    private mutating func checkCatalog(_ resolved: ResolvedConfiguration, refused: Set<String>) -> Catalog? {
        let path = resolved.paths.catalogPath
        let origin = Self.origin(
            of: "catalog", flag: "--catalog", isSet: resolved.configuration.catalogPath != nil,
            refused: refused)
        do {
            let catalog = try CatalogLoader().load(path: path)
            report.append(
                "catalog: \(path) (\(origin)) is valid (\(catalog.concerts.count) concerts, \(catalog.cities.count) cities)"
            )
            return catalog
        } catch {
            report.append("catalog: \(path) (\(origin)) has \(Self.count(error.problems.count))")
            problems += error.description.split(separator: "\n").map(String.init)
            return nil
        }
    }

    /// The store the daemon would open, read-only (so it can be read beside a running daemon):
    /// its schema version, refused when a newer concertd wrote it, and every city the catalog
    /// lacks but its subscriptions or concerts changed with concertctl name (a reload would refuse
    /// this catalog; a start logs a warning). Whether a concert is over is judged by the clock the
    /// daemon would run on (`--clock-start`), as its reload and start do.
    ///
    /// A SQLite file that does not exist yet, or a PostgreSQL database without a store, is
    /// reported and left alone; the latter is a problem when the role may not create the store's
    /// tables there (``PostgresStore/creationRefusal()``), as the first start would fail. A SQLite file this user cannot read is a note (check-config is
    /// often run by another user than the daemon's); a PostgreSQL server that cannot be reached or
    /// refuses the connection is a problem, unless its password is a service credential, which a
    /// shell cannot read.
    private mutating func checkStore(_ resolved: ResolvedConfiguration, catalog: (Catalog, path: String)?) {
        let configuration = resolved.configuration
        let databasePath = resolved.paths.databasePath
        let location = Daemon.storeLocation(configuration, databasePath: databasePath)
        let known = StoreSchema.migrations.count
        let instance = configuration.databaseURL == nil ? "" : " (instance \(configuration.effectiveInstanceName))"
        let store: any ConcertdStore
        let version: Int
        do {
            guard let opened = try Daemon.storeOpener(configuration, databasePath: databasePath).openToRead() else {
                if let settings = PostgresStore.settings(for: configuration) {
                    // The first start creates the store: the role must be allowed to.
                    let reader = PostgresStore(
                        settings: settings, instanceName: configuration.effectiveInstanceName, capacity: 1,
                        readOnly: true)
                    defer { reader.close() }
                    if let refusal = try reader.creationRefusal() {
                        problems.append("database: \(location)\(instance) holds no store yet, and \(refusal)")
                        return
                    }
                }
                report.append("database: \(location)\(instance) holds no store yet; the first start creates it")
                return
            }
            store = opened
            version = try store.schemaVersion()
        } catch let error as StoreMoved {
            // Readable, but moved into PostgreSQL: a start on it would send its reminders again.
            problems.append("database: \(error)")
            return
        } catch {
            let unreadableCredential =
                configuration.databasePasswordCredential != nil && configuration.databasePassword == nil
            if configuration.databaseURL != nil && !unreadableCredential {
                // The client quotes the URL as written: shown as the database is named everywhere.
                problems.append("database: " + SecretRedactor(configuration: configuration).redact("\(error)"))
            } else {
                report.append("note: the database \(location) could not be read: \(error)")
            }
            return
        }
        if version > known {
            problems.append(
                "database: \(location) has schema version \(version), newer than this concertd's \(known): a newer concertd wrote it, and this one refuses to start on it"
            )
            return
        }
        report.append(
            "database: \(location)\(instance): schema version \(version)"
                + (version < known ? " (a start migrates it to \(known))" : ""))
        if let postgres = store as? PostgresStore {
            do {
                if let holder = try postgres.pool.withConnection({
                    try PostgresStoreOpener.liveSession(
                        of: postgres.instanceName,
                        database: configuration.databaseURL.map { $0.serverDescription } ?? location, on: $0
                    )
                }) {
                    report.append(
                        "note: a start of this instance is refused while this session lasts (all is well when it "
                            + "is this instance, running): \(holder)")
                }
            } catch {
                report.append("note: whether a live session uses instance_name could not be read: \(error)")
            }
        }
        guard let (catalog, catalogPath) = catalog else { return }
        do {
            report.append(
                Daemon.catalogInForceReport(
                    try store.catalogInForce(), file: catalog, shared: store.sharedByInstances))
        } catch {
            // A database of an older schema keeps none: the start migrates it, then imports.
            report.append("catalog in force: not kept by this database's schema yet; a start imports this file")
        }
        let now = configuration.clockShift?.makeClock().now() ?? Date()
        do {
            let usage = try store.usageOfCities(notIn: Set(catalog.cities.map(\.id)), now: now)
            for (id, used) in usage.sorted(by: { $0.key < $1.key }) where !used.isEmpty {
                problems.append(
                    "\(catalogPath): city '\(id)' is not in the catalog, but \(Daemon.usageText(used)) in \(location) still name it; a reload refuses this catalog (keep the city, or unsubscribe and cancel them first)"
                )
            }
        } catch {
            report.append("note: the cities in use could not be checked in \(location): \(error)")
        }
    }

    private mutating func checkTemplates(_ resolved: ResolvedConfiguration) {
        let directory = resolved.paths.templatesDirectory
        let (_, templateProblems) = Daemon.makeRenderer(resolved, logger: nil)
        if !templateProblems.isEmpty {
            report.append("templates: \(directory) has \(Self.count(templateProblems.count))")
            problems += templateProblems
        } else if FileManager.default.fileExists(atPath: directory) {
            report.append("templates: \(directory) is valid (a message without a file there uses its built-in text)")
        } else {
            report.append("templates: \(directory) does not exist; the built-in texts are used")
        }
    }

    private static func count(_ n: Int) -> String { n == 1 ? "1 problem" : "\(n) problems" }
}
