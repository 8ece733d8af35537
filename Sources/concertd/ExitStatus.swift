import ConcertDaemon

/// `concertd`'s exit status when it cannot start, from sysexits(3), which the unit's
/// `RestartPreventExitStatus=64 78` reads: systemd restarts the daemon after a temporary failure
/// and leaves it stopped after one that only a person can mend.
enum ExitStatus: Int32 {
    /// `EX_TEMPFAIL`: another concertd holds the database, the database is locked by another
    /// program, the disk is full, the control socket is answered by a live daemon: try later.
    case temporaryFailure = 75
    /// `EX_CONFIG`: the configuration, the catalog or the database (newer schema, failed
    /// migration, damaged) is wrong; restarting would only fill the journal.
    case configurationError = 78

    init(_ error: Daemon.StartupError) {
        self = error.isTemporary ? .temporaryFailure : .configurationError
    }

    /// The first line written to standard error.
    var headline: String {
        switch self {
        case .temporaryFailure: "cannot start now (temporary failure, exit 75: a service manager may try again)"
        case .configurationError: "refusing to start (exit 78: fix the cause, then start again)"
        }
    }
}
