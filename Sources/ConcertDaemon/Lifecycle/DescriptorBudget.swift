import ConcertCore
import Logging

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// How many file descriptors a configuration may hold open at once, against the limit the process
/// runs with (`LimitNOFILE=` in the unit): a daemon short of descriptors fails sends and control
/// connections with `EMFILE` under load, long after it started.
enum DescriptorBudget {
    /// Everything else: standard streams, the database (a writer and up to five readers, each with
    /// its WAL, the shared-memory index), the lock file and the database's lock, Dispatch's and libcurl's wake-up
    /// descriptors, the systemd notification socket.
    static let fixed = 64

    /// The most descriptors `configuration` can need: per send in flight its connection and a
    /// name lookup (libcurl's threaded resolver holds a socket pair for each), libcurl's cache of
    /// idle connections, the control socket and its clients, the web front door's socket and its
    /// connections, and ``fixed``.
    static func needed(for configuration: DaemonConfiguration) -> Int {
        let sends = configuration.maxInFlight * (1 + 2)
        let idle = ChannelFactory.connectionCacheSize(for: configuration)
        let control = 1 + configuration.controlMaxClients
        let web = configuration.webListen == nil ? 0 : 1 + Daemon.webMaxConnections
        return sends + idle + control + web + fixed
    }

    /// The fewest descriptors concertd starts with. Below it the daemon cannot even run: with 16,
    /// Dispatch found no descriptor for its main queue's wake-up after the daemon had started and
    /// trapped (SIGILL); with 8 or 12, reading the configuration or opening the database failed
    /// with errors that did not name the limit. Measured: an idle daemon holds 20 (the standard
    /// streams, three of the database file, its WAL and shared-memory index, the lock file,
    /// Dispatch's epoll, eventfd and signalfds, the control and notification sockets); 64 leaves
    /// room for a few clients and sends, and is the ``fixed`` share of every configuration's need.
    static let minimum = fixed

    /// Raises the soft limit toward `wanted`, never past the hard limit, and returns the soft limit
    /// now (`nil` when it cannot be read). Under the shipped unit the system-call filter refuses
    /// `setrlimit` and `LimitNOFILE=` decides alone.
    @discardableResult
    static func raiseLimit(toward wanted: Int) -> Int? {
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return nil }
        let wantedLimit = rlim_t(max(wanted, 0))
        if limit.rlim_cur < wantedLimit, limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = min(wantedLimit, limit.rlim_max)
            if setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        return Int(clamping: limit.rlim_cur)
    }

    /// Refuses to start (78: a person must raise the limit) when the process may open fewer than
    /// ``minimum`` descriptors even after raising its soft limit to the hard one.
    static func checkMinimum() throws(Daemon.StartupError) {
        guard let limit = raiseLimit(toward: minimum), limit < minimum else { return }
        throw Daemon.StartupError(
            .configuration,
            "this process may open only \(limit) file descriptors (ulimit -n; LimitNOFILE= in the unit) and "
                + "cannot raise its limit: concertd needs at least \(minimum) to start; raise LimitNOFILE= "
                + "(the shipped unit sets 131072) or ulimit -n")
    }

    /// The soft limit on open descriptors of this process, `nil` when it cannot be read.
    static func currentLimit() -> Int? {
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return nil }
        return Int(clamping: limit.rlim_cur)  // RLIM_INFINITY is the largest value: no limit
    }

    /// Logs a warning when `configuration` may need more descriptors than `limit` allows.
    static func warnIfShort(_ configuration: DaemonConfiguration, limit: Int?, logger: Logger) {
        let needed = needed(for: configuration)
        guard let limit, limit < needed else { return }
        logger.warning(
            """
            max_in_flight and control_max_clients may need more file descriptors than this process may open: \
            sends and control connections would fail with 'Too many open files' under load; raise \
            LimitNOFILE= (ulimit -n) or lower max_in_flight
            """,
            metadata: ["descriptors.needed": "\(needed)", "descriptors.limit": "\(limit)"])
    }
}

extension Daemon {
    /// Refuses to start when the process may open too few file descriptors to run at all (see
    /// ``DescriptorBudget/minimum``), raising its soft limit first when the hard one allows. Called
    /// by `concertd` before it makes any Dispatch source, and again by ``start(_:logSettings:logger:)``.
    public static func checkDescriptorLimit() throws(StartupError) {
        try DescriptorBudget.checkMinimum()
    }
}
