import ConcertCore
import Foundation
import Logging

/// What every ``DaemonLogHandler`` shares and a reload may change: the level (`log_level`) and
/// the secrets to mask (a new SMTP password).
public final class LogSettings: @unchecked Sendable {
    // @unchecked: the stored values are only read and written while holding `lock`.
    private let lock = NSLock()
    private var currentLevel: Logger.Level
    private var currentRedactor: SecretRedactor

    public init(level: Logger.Level = .info, redactor: SecretRedactor = SecretRedactor()) {
        currentLevel = level
        currentRedactor = redactor
    }

    /// Settings that follow a configuration: its log level and its secrets.
    public convenience init(configuration: DaemonConfiguration) {
        self.init(level: configuration.logLevel, redactor: SecretRedactor(configuration: configuration))
    }

    /// The least severe level logged by handlers that were not given their own.
    public var level: Logger.Level {
        get { lock.withLock { currentLevel } }
        set { lock.withLock { currentLevel = newValue } }
    }

    /// The redactor in force.
    public var redactor: SecretRedactor {
        get { lock.withLock { currentRedactor } }
        set { lock.withLock { currentRedactor = newValue } }
    }

    /// Takes the level and secrets of a (re)loaded configuration.
    public func apply(_ configuration: DaemonConfiguration) {
        let redactor = SecretRedactor(configuration: configuration)
        lock.withLock {
            currentLevel = configuration.logLevel
            currentRedactor = redactor
        }
    }
}
