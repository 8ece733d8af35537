import ConcertCore
import ConcertShared

extension Daemon {
    /// Why the daemon refused to start (or a reload was rejected): what kind of failure, and
    /// every problem, each saying exactly what is wrong where.
    ///
    /// The kind decides `concertd`'s exit status: a failure that only a person can mend stops the
    /// service for good (78, `EX_CONFIG`, which the unit does not restart); one that waiting may
    /// cure is temporary (75, `EX_TEMPFAIL`) and systemd starts the daemon again.
    public struct StartupError: Error, CustomStringConvertible, Sendable {
        public enum Kind: Sendable, Hashable {
            /// The configuration file, a flag or the environment is wrong (`socket_group` names no
            /// group, the state directory cannot be used, a socket path too long…).
            case configuration
            /// The catalog is missing or broken.
            case catalog
            /// The database cannot be used by this concertd: written by a newer one, a migration
            /// failed, damaged, not a database, read-only.
            case database
            /// Another concertd holds the database's lock.
            case anotherDaemon
            /// Something is short for now: the database locked by another program, the disk full,
            /// an I/O error, no descriptors or memory, the control socket answered by a live daemon,
            /// the metrics address in use.
            case temporarilyUnavailable
        }

        public var kind: Kind
        public var problems: [String]
        /// Every problem on its own line, control characters from the files escaped as concertctl
        /// shows them (a catalog key or value cannot act on the terminal the error is printed on).
        public var description: String { problems.map { TerminalEscaping.escaped($0) }.joined(separator: "\n") }

        /// Whether starting again later may succeed without anyone changing anything.
        public var isTemporary: Bool {
            switch kind {
            case .anotherDaemon, .temporarilyUnavailable: true
            case .configuration, .catalog, .database: false
            }
        }

        public init(_ kind: Kind, problems: [String]) {
            self.kind = kind
            self.problems = problems
        }

        public init(_ kind: Kind, _ problem: String) {
            self.init(kind, problems: [problem])
        }

        /// A failure of the store: temporary when SQLite says waiting may cure it (see
        /// ``StoreError/isTemporaryFailure(_:)``), else the database cannot be used.
        static func store(_ error: any Error, _ context: String? = nil) -> StartupError {
            StartupError(
                StoreError.isTemporaryFailure(error) ? .temporarilyUnavailable : .database,
                context.map { "\($0): \(error)" } ?? "\(error)")
        }
    }
}
