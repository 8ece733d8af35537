import Foundation

/// Reads `concertd.conf`, strictly, reporting every problem with its file, line and key.
///
/// The format, documented at the top of the shipped file:
/// - one `key = value` per line; blank lines and lines starting with `#` are ignored (a `#`
///   after a value is part of the value);
/// - a value may be wrapped in double quotes to keep leading or trailing spaces (`\"` and `\\`
///   inside); an empty value (`key =`) leaves an optional key unset;
/// - durations are a whole number and a unit (`500ms`, `30s`, `5m`, `2h`, `1d`), booleans are
///   `on`/`off` (or `yes`/`no`, `true`/`false`), lists are comma-separated;
/// - an unknown key, a key set twice or a bad value is an error; there are no sections.
///
/// The SMTP password is read here too, from the file, variable or credential the configuration
/// names, so that a missing password is a configuration error at start and at reload.
public struct ConfigurationLoader: Sendable {
    /// The environment that `smtp_password_env` and `smtp_password_credential` are read from.
    public var environment: [String: String]
    /// Whether an unset `$CREDENTIALS_DIRECTORY` means "not inside the service" (`check-config` from
    /// a shell): a password that would come from a systemd credential is then noted, not refused.
    /// The daemon leaves it `false`: without the credential it has no password.
    public var credentialsOnlyInService: Bool

    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment, credentialsOnlyInService: Bool = false
    ) {
        self.environment = environment
        self.credentialsOnlyInService = credentialsOnlyInService
    }

    /// Reads the file at `path`.
    public func load(path: String) throws(ConfigurationError) -> DaemonConfiguration {
        var draft = try read(path: path)
        finish(&draft)
        return try draft.finished()
    }

    /// Reads configuration text; `file` names it in problems.
    public func load(contents: String, file: String) throws(ConfigurationError) -> DaemonConfiguration {
        var draft = parse(contents: contents, file: file)
        finish(&draft)
        return try draft.finished()
    }

    /// The file's keys and values only: no cross-key checks, no password yet (flags may follow).
    func read(path: String) throws(ConfigurationError) -> ConfigurationDraft {
        let data: Data
        do {
            data = try FileContents.read(path)
        } catch {
            throw ConfigurationError(problems: [
                ConfigurationProblem(file: path, message: "cannot read the file: \(error.reason)")
            ])
        }
        guard let contents = String(data: data, encoding: .utf8) else {
            throw ConfigurationError(problems: [ConfigurationProblem(file: path, message: "the file is not UTF-8 text")]
            )
        }
        return parse(contents: contents, file: path)
    }

    /// Checks that concern several keys, then looks up the password and checks it against `smtp_url`,
    /// then the CA bundles and the control group.
    ///
    /// The one sequence of checks after the keys are read: the daemon at start and reload and
    /// `check-config` all come through here.
    func finish(_ draft: inout ConfigurationDraft) {
        draft.checkConsistency()
        draft.loadPassword(environment: environment, credentialsOnlyInService: credentialsOnlyInService)
        draft.loadDatabasePassword(environment: environment, credentialsOnlyInService: credentialsOnlyInService)
        draft.checkCABundles()
        draft.checkSocketGroup()
    }

    func parse(contents: String, file: String) -> ConfigurationDraft {
        var draft = ConfigurationDraft(file: file)
        var text = Substring(contents)
        if text.hasPrefix("\u{FEFF}") { text = text.dropFirst() }
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            parseLine(rawLine, number: index + 1, file: file, into: &draft)
        }
        return draft
    }

    private func parseLine(_ rawLine: Substring, number: Int, file: String, into draft: inout ConfigurationDraft) {
        let line = rawLine.trimmingCharacters(in: .whitespaces.union(CharacterSet(charactersIn: "\r")))
        if line.isEmpty || line.hasPrefix("#") { return }
        func problem(_ key: String?, _ message: String) {
            draft.problems.append(ConfigurationProblem(file: file, line: number, key: key, message: message))
        }
        if line.hasPrefix("[") {
            problem(nil, "sections are not used in this file: write 'key = value' lines only")
            return
        }
        guard let equals = line.firstIndex(of: "=") else {
            let word = String(line.prefix { !$0.isWhitespace })
            problem(word, "missing '=': write '\(word) = value'")
            return
        }
        let key = line[..<equals].trimmingCharacters(in: .whitespaces)
        guard !key.isEmpty else {
            problem(nil, "the line starts with '=': write 'key = value'")
            return
        }
        guard let spec = DaemonConfiguration.keysByName[key] else {
            problem(key, Self.unknownKeyMessage(key))
            return
        }
        if let first = draft.origins[key]?.line {
            problem(key, "set twice (first on line \(first)); keep one of the two lines")
            return
        }
        draft.origins[key] = .init(file: file, line: number)
        let value: String
        do {
            value = try Self.unquote(line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces))
        } catch {
            problem(key, error.message)
            return
        }
        if value.isEmpty && !spec.allowsEmpty {
            problem(key, "needs a value; delete the line to keep the default (\(spec.render(DaemonConfiguration())))")
            return
        }
        do {
            try spec.assign(value, &draft.configuration)
        } catch {
            problem(key, value.contains("#") ? error.message + Self.commentHint : error.message)
        }
    }

    /// Added to the problem of a value holding `#`: most likely a comment written after it.
    static let commentHint = "; comments must be on their own line: '#' after a value is part of the value"

    /// Removes the double quotes around a value, resolving `\"` and `\\` inside.
    static func unquote(_ value: String) throws(ConfigurationValueError) -> String {
        guard value.hasPrefix("\"") else { return value }
        var result = ""
        var escaped = false
        var closed = false
        for character in value.dropFirst() {
            if closed {
                throw ConfigurationValueError("text after the closing quote; a comment must be on a line of its own")
            }
            if escaped {
                guard character == "\"" || character == "\\" else {
                    throw ConfigurationValueError("'\\\(character)' is not an escape: only \\\" and \\\\ are")
                }
                result.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "\"" {
                closed = true
            } else {
                result.append(character)
            }
        }
        guard closed else { throw ConfigurationValueError("the quoted value has no closing quote") }
        return result
    }

    /// "unknown key", with the key probably meant when there is one.
    static func unknownKeyMessage(_ key: String) -> String {
        if key.lowercased().contains("password") {
            return
                "unknown key; a password is never written in this file: name where it is read with smtp_password_file, smtp_password_env or smtp_password_credential"
        }
        let normalized = key.lowercased().replacingOccurrences(of: "-", with: "_")
        let closest = DaemonConfiguration.keyNames
            .map { ($0, editDistance(normalized, $0)) }
            .min { $0.1 < $1.1 }
        if let (name, distance) = closest, distance <= max(2, name.count / 4) {
            return "unknown key; did you mean '\(name)'?"
        }
        return "unknown key (the shipped concertd.conf lists every key)"
    }

    /// Levenshtein distance, for suggesting the key probably meant.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            previous = current
        }
        return previous[b.count]
    }
}
