/// The configuration in force and where it came from.
public struct ResolvedConfiguration: Sendable, Hashable {
    public var configuration: DaemonConfiguration
    /// The configuration file read, or `nil` when there was none and only defaults and flags apply.
    public var file: String?
    /// Every path decided, from the configuration or the defaults.
    public var paths: ResolvedPaths
    /// What could not be checked where the configuration was read, each placed like a problem.
    public var notes: [ConfigurationProblem]

    public init(
        configuration: DaemonConfiguration, file: String?, paths: ResolvedPaths, notes: [ConfigurationProblem] = []
    ) {
        self.configuration = configuration
        self.file = file
        self.paths = paths
        self.notes = notes
    }
}
