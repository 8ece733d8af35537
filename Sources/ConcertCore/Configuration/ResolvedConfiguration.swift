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
