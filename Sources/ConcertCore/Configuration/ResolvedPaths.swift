import Foundation

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
