import ConcertCore
import Foundation

/// The secrets log lines must not show, shared by every ``DaemonLogHandler`` and replaced when
/// a reload brings a new SMTP password.
public final class LogRedaction: Sendable {
    private let state: LockedValue<SecretRedactor>

    public init(_ redactor: SecretRedactor = SecretRedactor()) {
        state = LockedValue(redactor)
    }

    /// The redactor in force.
    public var redactor: SecretRedactor { state.value }

    /// Replaces the redactor, for example with one built from a reloaded configuration.
    public func update(_ redactor: SecretRedactor) {
        state.value = redactor
    }
}
