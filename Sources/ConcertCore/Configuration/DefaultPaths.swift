import Foundation

/// Where concertd keeps its database and control socket when no flag or config says otherwise.
///
/// Under systemd (`$STATE_DIRECTORY` and `$RUNTIME_DIRECTORY` set by `StateDirectory=` and
/// `RuntimeDirectory=`) they go there. Otherwise the XDG base directories of the user:
/// - state: `$XDG_STATE_HOME/concertd`, falling back to `~/.local/state/concertd`;
/// - socket: `$XDG_RUNTIME_DIR/concertd/control.sock`, falling back to
///   `/tmp/concertd-<uid>/control.sock` (created mode 0700) when `XDG_RUNTIME_DIR` is unset.
public struct DefaultPaths: Sendable, Equatable {
    public var stateDirectory: String
    public var socketPath: String
    /// The catalog file: `$CONFIGURATION_DIRECTORY/concerts.json5` under systemd, else `/etc/concertd/concerts.json5`.
    public var catalogPath: String
    /// The configuration file: `$CONFIGURATION_DIRECTORY/concertd.conf` under systemd, else `/etc/concertd/concertd.conf`.
    public var configPath: String
    /// The message templates: `templates` in the same configuration directory as the catalog.
    public var templatesDirectory: String

    public var databasePath: String { (stateDirectory as NSString).appendingPathComponent("concertd.sqlite3") }

    public init(environment: [String: String] = ProcessInfo.processInfo.environment, uid: UInt32 = getuid()) {
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        if let state = Self.firstPath(environment["STATE_DIRECTORY"]) {
            stateDirectory = state
        } else if let xdg = environment["XDG_STATE_HOME"], xdg.hasPrefix("/") {
            stateDirectory = "\(xdg)/concertd"
        } else {
            stateDirectory = "\(home)/.local/state/concertd"
        }
        if let runtime = Self.firstPath(environment["RUNTIME_DIRECTORY"]) {
            socketPath = "\(runtime)/control.sock"
        } else if let xdg = environment["XDG_RUNTIME_DIR"], xdg.hasPrefix("/") {
            socketPath = "\(xdg)/concertd/control.sock"
        } else {
            socketPath = "/tmp/concertd-\(uid)/control.sock"
        }
        let configDirectory = Self.firstPath(environment["CONFIGURATION_DIRECTORY"]) ?? "/etc/concertd"
        catalogPath = "\(configDirectory)/concerts.json5"
        configPath = "\(configDirectory)/concertd.conf"
        templatesDirectory = "\(configDirectory)/templates"
    }

    /// systemd passes several directories colon-separated; the first one is ours.
    static func firstPath(_ value: String?) -> String? {
        guard let first = value?.split(separator: ":").first, first.hasPrefix("/") else { return nil }
        return String(first)
    }
}
