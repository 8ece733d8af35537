import ConcertCore
import Foundation

/// The secrets log lines must not show, shared by every ``DaemonLogHandler`` and replaced when
/// a reload brings a new SMTP password.
public final class LogRedaction: @unchecked Sendable {
    // @unchecked: `current` is only read and written while holding `lock`.
    private let lock = NSLock()
    private var current: SecretRedactor

    public init(_ redactor: SecretRedactor = SecretRedactor()) {
        current = redactor
    }

    /// The redactor in force.
    public var redactor: SecretRedactor {
        lock.withLock { current }
    }

    /// Replaces the redactor, for example with one built from a reloaded configuration.
    public func update(_ redactor: SecretRedactor) {
        lock.withLock { current = redactor }
    }
}
