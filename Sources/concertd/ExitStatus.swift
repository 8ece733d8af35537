import ConcertDaemon

/// `concertd`'s exit status when it cannot start, from sysexits(3), which the unit's
/// `RestartPreventExitStatus=64 78` reads: systemd restarts the daemon after a temporary failure
/// and leaves it stopped after one that only a person can mend.
enum ExitStatus: Int32 {
    /// `EX_TEMPFAIL`: another concertd holds the database (or its PostgreSQL `instance_name`), the
    /// database is locked by another program or its server cannot be reached, the disk is full,
    /// the control socket is answered by a live daemon, the metrics or web address is in use: try
    /// later.
    case temporaryFailure = 75
    /// `EX_CONFIG`: the configuration, the catalog or the database (newer schema, failed
    /// migration, damaged, a SQLite file `migrate-store` moved, a PostgreSQL login the server
    /// refuses) is wrong, or the descriptor limit is too low to run; restarting would only fill
    /// the journal.
    case configurationError = 78

    init(_ error: Daemon.StartupError) {
        self = error.isTemporary ? .temporaryFailure : .configurationError
    }

    /// Every status `concertd` exits with, for `--help` and the manual.
    static let summary = """
        Exit status: 0 stopped on SIGTERM or SIGINT, or check-config found no problem, \
        64 usage error (a flag unknown or missing its value), \
        \(temporaryFailure.rawValue) cannot start now: another concertd holds the database (on PostgreSQL: \
        uses this instance_name), another program keeps it locked, the PostgreSQL server cannot be reached, the disk is full, the control socket is answered by a live daemon or metrics_listen's or web_listen's \
        address is in use; systemd starts \
        concertd again, \
        \(configurationError.rawValue) refusing to start, or check-config found problems: the configuration \
        (at start also a metrics_listen or web_listen \
        address that is not this machine's, which check-config does not bind), the catalog, a database written \
        by a newer concertd or whose migration failed, a PostgreSQL server refusing the login (a wrong \
        password, an unknown role, no pg_hba.conf entry, a database that does not exist), a SQLite file \
        that concertd migrate-store marked as moved to PostgreSQL, or fewer than 64 \
        file descriptors allowed (LimitNOFILE=, ulimit -n).
        """

    /// The first line written to standard error.
    var headline: String {
        switch self {
        case .temporaryFailure: "cannot start now (temporary failure, exit 75: a service manager may try again)"
        case .configurationError: "refusing to start (exit 78: fix the cause, then start again)"
        }
    }
}
