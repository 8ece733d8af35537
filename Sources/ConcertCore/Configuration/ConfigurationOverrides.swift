import Foundation

/// The values given by `concertd`'s flags, as typed; each one overrides the file's key.
///
/// The text is checked by the same rules as the file's value, so `--smtp` and `smtp_url` accept
/// exactly the same URLs; a problem names the flag (`command line: --smtp: …`). A relative path
/// is taken from the working directory.
public struct ConfigurationOverrides: Sendable, Hashable {
    /// `--state-dir DIR` (`state_directory`).
    public var stateDirectory: String?
    /// `--socket PATH` (`socket_path`).
    public var socketPath: String?
    /// `--catalog FILE` (`catalog`).
    public var catalog: String?
    /// `--smtp URL` (`smtp_url`).
    public var smtpURL: String?
    /// `--mail-from ADDR` (`mail_from`).
    public var mailFrom: String?
    /// `--clock-start ISO`: the scheduler's clock starts at this moment (no file key).
    public var clockStart: String?
    /// `--clock-rate N`: the scheduler's clock runs N times faster (no file key).
    public var clockRate: String?
    /// `--log-level L` (`log_level`).
    public var logLevel: String?
    /// `--metrics-listen HOST:PORT` (`metrics_listen`).
    public var metricsListen: String?
    /// `--web-listen HOST:PORT` (`web_listen`).
    public var webListen: String?
    /// `--database-url URL` (`database_url`).
    public var databaseURL: String?

    public init(
        stateDirectory: String? = nil, socketPath: String? = nil, catalog: String? = nil, smtpURL: String? = nil,
        mailFrom: String? = nil, clockStart: String? = nil, clockRate: String? = nil, logLevel: String? = nil,
        metricsListen: String? = nil, webListen: String? = nil, databaseURL: String? = nil
    ) {
        self.webListen = webListen
        self.stateDirectory = stateDirectory
        self.socketPath = socketPath
        self.catalog = catalog
        self.smtpURL = smtpURL
        self.mailFrom = mailFrom
        self.clockStart = clockStart
        self.clockRate = clockRate
        self.logLevel = logLevel
        self.metricsListen = metricsListen
        self.databaseURL = databaseURL
    }

    /// Whether no flag is given.
    public var isEmpty: Bool { self == ConfigurationOverrides() }

    /// The flags that override a key: (flag, value, whether the value is a path).
    var keyedValues: [(flag: String, value: String?, isPath: Bool)] {
        [
            ("--state-dir", stateDirectory, true), ("--socket", socketPath, true), ("--catalog", catalog, true),
            ("--smtp", smtpURL, false), ("--mail-from", mailFrom, false), ("--log-level", logLevel, false),
            ("--metrics-listen", metricsListen, false), ("--web-listen", webListen, false),
            ("--database-url", databaseURL, false),
        ]
    }
}

extension DaemonConfiguration {
    /// This configuration with the flags applied on top, checked again as a whole.
    ///
    /// The SMTP password is not read again. ``ConfigurationResolver`` does file, flags and
    /// password in one go and places problems on their lines; this is for a configuration
    /// already in hand.
    public func merging(
        _ overrides: ConfigurationOverrides,
        workingDirectory: String = FileManager.default.currentDirectoryPath
    ) throws(ConfigurationError) -> DaemonConfiguration {
        var draft = ConfigurationDraft()
        draft.configuration = self
        draft.apply(overrides, workingDirectory: workingDirectory)
        draft.checkConsistency()
        draft.checkPasswordInHand()
        draft.checkDatabasePasswordInHand()
        return try draft.finished()
    }
}

extension ConfigurationDraft {
    /// Applies each flag given, recording it as the origin of its key.
    mutating func apply(_ overrides: ConfigurationOverrides, workingDirectory: String) {
        for (flag, value, isPath) in overrides.keyedValues {
            guard var value, let key = DaemonConfiguration.keys.first(where: { $0.flag == flag }) else { continue }
            if isPath && !value.isEmpty && !value.hasPrefix("/") {
                value =
                    URL(fileURLWithPath: value, relativeTo: URL(fileURLWithPath: workingDirectory, isDirectory: true))
                    .standardizedFileURL.path
            }
            origins[key.name] = Origin(flag: flag)
            if value.isEmpty {
                problem(key.name, "needs a value")
                continue
            }
            do {
                try key.assign(value, &configuration)
            } catch {
                problem(key.name, error.message)
            }
        }
        applyClock(start: overrides.clockStart, rate: overrides.clockRate)
    }

    private mutating func applyClock(start: String?, rate: String?) {
        guard start != nil || rate != nil else { return }
        var shift = ClockShift()
        var valid = true
        do {
            if let start { shift.start = try ClockShift.parseStart(start) }
        } catch {
            problems.append(ConfigurationProblem(flag: "--clock-start", message: error.message))
            valid = false
        }
        do {
            if let rate { shift.rate = try ClockShift.parseRate(rate) }
        } catch {
            problems.append(ConfigurationProblem(flag: "--clock-rate", message: error.message))
            valid = false
        }
        if valid { configuration.clockShift = shift }
    }
}
