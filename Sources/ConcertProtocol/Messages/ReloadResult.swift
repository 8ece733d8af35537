/// The result of `reload`: the new configuration and catalog are in force.
///
/// A broken configuration is an error (`config_error`) instead, and the old one stays.
public struct ReloadResult: Codable, Sendable, Hashable {
    /// One line saying what changed: `configuration and catalog reloaded: 0 concerts added, 1 changed, …`.
    public var summary: String
    /// What was not applied or needs attention: a catalog edit of a concert changed with
    /// concertctl (and how to apply it), a broken template, a key that takes effect at the next start.
    public var warnings: [String]

    public init(summary: String, warnings: [String] = []) {
        self.summary = summary
        self.warnings = warnings
    }
}
