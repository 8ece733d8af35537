/// The result of `reload`: the new configuration and catalog are in force.
///
/// A broken configuration is an error (`config_error`) instead, and the old one stays.
public struct ReloadResult: Codable, Sendable, Hashable {
    /// One line saying what changed: `catalog: 1 concert changed, 0 added, 0 cancelled`.
    public var summary: String
    public var warnings: [String]

    public init(summary: String, warnings: [String] = []) {
        self.summary = summary
        self.warnings = warnings
    }
}
