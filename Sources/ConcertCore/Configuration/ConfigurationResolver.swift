import Foundation

/// Builds the configuration the daemon runs with: flags over the file over built-in defaults,
/// with the paths left to run time decided from the environment (``DefaultPaths``).
///
/// The daemon calls it at start and again on SIGHUP or `reload` with the same flags; a failure
/// leaves the configuration in force untouched. `concertd check-config` calls it too, so it
/// reports exactly what the daemon would refuse.
public struct ConfigurationResolver: Sendable {
    /// The process environment: systemd's directories, XDG folders, the password variable.
    public var environment: [String: String]
    /// The directory relative paths given as flags are taken from.
    public var workingDirectory: String

    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        workingDirectory: String = FileManager.default.currentDirectoryPath
    ) {
        self.environment = environment
        self.workingDirectory = workingDirectory
    }

    /// Where files go when neither flag nor file says.
    public var defaultPaths: DefaultPaths { DefaultPaths(environment: environment) }

    /// Reads the configuration file, applies the flags, checks everything and reads the password.
    ///
    /// - Parameter configFile: `--config FILE`, which must exist; `nil` reads the default file
    ///   (``DefaultPaths/configPath``) when there is one and uses built-in defaults when not.
    /// - Throws: every problem found, each naming its file and line or its flag.
    public func resolve(
        configFile: String?,
        overrides: ConfigurationOverrides = ConfigurationOverrides()
    ) throws(ConfigurationError) -> ResolvedConfiguration {
        let loader = ConfigurationLoader(environment: environment)
        let defaults = defaultPaths
        var file: String? = configFile.map { absolute($0) }
        if file == nil && FileManager.default.fileExists(atPath: defaults.configPath) {
            file = defaults.configPath
        }
        var draft = ConfigurationDraft()
        if let file {
            draft = try loader.read(path: file)
        }
        draft.apply(overrides, workingDirectory: workingDirectory)
        loader.finish(&draft)
        let configuration = try draft.finished()
        return ResolvedConfiguration(
            configuration: configuration, file: file, paths: ResolvedPaths(configuration, defaults: defaults))
    }

    private func absolute(_ path: String) -> String {
        guard !path.hasPrefix("/") else { return path }
        return URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: workingDirectory, isDirectory: true))
            .standardizedFileURL.path
    }
}

/// The configuration in force and where it came from.
public struct ResolvedConfiguration: Sendable, Hashable {
    public var configuration: DaemonConfiguration
    /// The configuration file read, or `nil` when there was none and only defaults and flags apply.
    public var file: String?
    /// Every path decided, from the configuration or the defaults.
    public var paths: ResolvedPaths

    public init(configuration: DaemonConfiguration, file: String?, paths: ResolvedPaths) {
        self.configuration = configuration
        self.file = file
        self.paths = paths
    }
}

/// The paths the daemon uses, each from its key or flag when set, else from ``DefaultPaths``.
public struct ResolvedPaths: Sendable, Hashable {
    public var stateDirectory: String
    public var socketPath: String
    public var catalogPath: String
    public var templatesDirectory: String

    /// The SQLite database inside the state directory.
    public var databasePath: String { (stateDirectory as NSString).appendingPathComponent("concertd.sqlite3") }

    public init(_ configuration: DaemonConfiguration, defaults: DefaultPaths) {
        stateDirectory = configuration.stateDirectory ?? defaults.stateDirectory
        socketPath = configuration.socketPath ?? defaults.socketPath
        catalogPath = configuration.catalogPath ?? defaults.catalogPath
        templatesDirectory = configuration.templatesDirectory ?? defaults.templatesDirectory
    }
}
