/// A configuration being assembled from the file and the flags, remembering where each value
/// came from so that every problem can name its file, line and key (or its flag).
struct ConfigurationDraft: Sendable {
    /// Where a value was set.
    struct Origin: Sendable, Hashable {
        var file: String?
        var line: Int?
        var flag: String?
    }

    var configuration = DaemonConfiguration()
    /// The file being read, for problems that concern no particular line.
    var file: String?
    /// Where each key set explicitly was set; keys absent here have their default.
    var origins: [String: Origin] = [:]
    var problems: [ConfigurationProblem] = []
    /// What could not be checked here but is not known to be wrong (a credential only the service
    /// has); shown by `check-config`, never a reason to refuse.
    var notes: [ConfigurationProblem] = []

    init(file: String? = nil) {
        self.file = file
    }

    /// Records a problem of `key`, placed where the key was set (or in the file when it was not).
    mutating func problem(_ key: String, _ message: String) {
        let origin = origins[key] ?? Origin(file: file)
        problems.append(
            ConfigurationProblem(file: origin.file, line: origin.line, key: key, flag: origin.flag, message: message))
    }

    /// Records a note about `key`, placed as ``problem(_:_:)`` places problems.
    mutating func note(_ key: String, _ message: String) {
        let origin = origins[key] ?? Origin(file: file)
        notes.append(
            ConfigurationProblem(file: origin.file, line: origin.line, key: key, flag: origin.flag, message: message))
    }

    /// Records a problem that involves several keys, placed at the first one set explicitly.
    mutating func problem(amongKeys keys: [String], _ message: String) {
        problem(keys.first { origins[$0] != nil } ?? keys[0], message)
    }

    /// The result, or every problem found.
    func finished() throws(ConfigurationError) -> DaemonConfiguration {
        guard problems.isEmpty else { throw ConfigurationError(problems: problems) }
        return configuration
    }
}
