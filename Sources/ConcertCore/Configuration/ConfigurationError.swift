/// Why a configuration file or flag was refused: every problem found, each with its place.
///
/// The loader does not stop at the first problem, so that `concertd check-config` shows all of
/// them at once. The description lists one problem per line.
public struct ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    public var problems: [ConfigurationProblem]

    public init(problems: [ConfigurationProblem]) {
        self.problems = problems
    }

    public var description: String { problems.map(\.description).joined(separator: "\n") }
}

/// One problem of a configuration, with where it comes from.
///
/// Printed as `/etc/concertd/concertd.conf:12: key 'smtp_url': …` for a line of a file, or
/// `command line: --smtp: …` for a flag. The message never contains a secret.
public struct ConfigurationProblem: Sendable, Hashable, CustomStringConvertible {
    /// The configuration file, or `nil` for a flag.
    public var file: String?
    /// The line in `file` (1-based), or `nil` when the problem concerns the whole file.
    public var line: Int?
    /// The key concerned, if any.
    public var key: String?
    /// The flag concerned (`--smtp`) when the value came from the command line.
    public var flag: String?
    /// What is wrong and, where it helps, how to fix it.
    public var message: String

    public init(file: String? = nil, line: Int? = nil, key: String? = nil, flag: String? = nil, message: String) {
        self.file = file
        self.line = line
        self.key = key
        self.flag = flag
        self.message = message
    }

    public var description: String {
        var text: String
        if let flag {
            text = "command line: \(flag)"
        } else {
            text = file ?? "configuration"
            if let line { text += ":\(line)" }
            if let key { text += ": key '\(key)'" }
        }
        return "\(text): \(message)"
    }
}

/// Why one value cannot be used; the loader adds the file, line and key.
public struct ConfigurationValueError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
