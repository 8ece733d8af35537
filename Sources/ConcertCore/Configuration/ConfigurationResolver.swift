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
    /// `true` for `check-config`: see ``ConfigurationLoader/credentialsOnlyInService``. Every check
    /// is the same; only a credential that exists inside the service alone becomes a note.
    public var credentialsOnlyInService: Bool

    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        workingDirectory: String = FileManager.default.currentDirectoryPath, credentialsOnlyInService: Bool = false
    ) {
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.credentialsOnlyInService = credentialsOnlyInService
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
        let result = resolveDespiteProblems(configFile: configFile, overrides: overrides)
        guard result.problems.isEmpty else { throw ConfigurationError(problems: result.problems) }
        return result.resolved
    }

    /// What ``resolve(configFile:overrides:)`` would give, with every problem found instead of an
    /// error: `check-config` goes on to check the catalog and templates of a configuration that
    /// has problems. A key whose value was refused, or a file that could not be read, leaves the
    /// defaults in place; `problems` name the keys concerned.
    public func resolveDespiteProblems(
        configFile: String?, overrides: ConfigurationOverrides = ConfigurationOverrides()
    ) -> (resolved: ResolvedConfiguration, problems: [ConfigurationProblem]) {
        let loader = ConfigurationLoader(
            environment: environment, credentialsOnlyInService: credentialsOnlyInService)
        let defaults = defaultPaths
        var file: String? = configFile.map { absolute($0) }
        if file == nil && FileManager.default.fileExists(atPath: defaults.configPath) {
            file = defaults.configPath
        }
        var draft = ConfigurationDraft()
        var problems: [ConfigurationProblem] = []
        if let file {
            do {
                draft = try loader.read(path: file)
            } catch {
                problems += error.problems
            }
        }
        draft.apply(overrides, workingDirectory: workingDirectory)
        loader.finish(&draft)
        problems += draft.problems
        let resolved = ResolvedConfiguration(
            configuration: draft.configuration, file: file,
            paths: ResolvedPaths(draft.configuration, defaults: defaults), notes: draft.notes)
        return (resolved, problems)
    }

    private func absolute(_ path: String) -> String {
        guard !path.hasPrefix("/") else { return path }
        return URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: workingDirectory, isDirectory: true))
            .standardizedFileURL.path
    }
}
