import ConcertCore
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
        checkCatalog(resolved, refused: Set(configurationProblems.compactMap(\.key)))
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

    private mutating func checkCatalog(_ resolved: ResolvedConfiguration, refused: Set<String>) {
        let path = resolved.paths.catalogPath
        let origin = Self.origin(
            of: "catalog", flag: "--catalog", isSet: resolved.configuration.catalogPath != nil,
            refused: refused)
        do {
            let catalog = try CatalogLoader().load(path: path)
            report.append(
                "catalog: \(path) (\(origin)) is valid (\(catalog.concerts.count) concerts, \(catalog.cities.count) cities)"
            )
            checkCitiesInUse(
                catalog, catalogPath: path, configuration: resolved.configuration,
                databasePath: resolved.paths.databasePath,
                now: resolved.configuration.clockShift?.makeClock().now() ?? Date())
        } catch {
            report.append("catalog: \(path) (\(origin)) has \(Self.count(error.problems.count))")
            problems += error.description.split(separator: "\n").map(String.init)
        }
    }

    /// A city the catalog lacks but the database's subscriptions or concerts changed with
    /// concertctl name: a reload would refuse this catalog (a start logs a warning). The
    /// database is read-only here, and skipped when it does not exist yet. Whether a concert is
    /// over is judged by the clock the daemon would run on (`--clock-start`), as its reload and
    /// start do: by the system's clock, a concert of a shifted test run would be left out.
    private mutating func checkCitiesInUse(
        _ catalog: Catalog, catalogPath: String, configuration: DaemonConfiguration, databasePath: String, now: Date
    ) {
        let location = Daemon.storeLocation(configuration, databasePath: databasePath)
        do {
            guard let store = try Daemon.storeOpener(configuration, databasePath: databasePath).openToRead() else {
                return
            }
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
