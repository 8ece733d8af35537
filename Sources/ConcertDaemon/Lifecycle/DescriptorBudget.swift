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
    /// its WAL, the shared-memory index), the lock file, Dispatch's and libcurl's wake-up
    /// descriptors, the systemd notification socket.
    static let fixed = 64

    /// The most descriptors `configuration` can need: per send in flight its connection and a
    /// name lookup (libcurl's threaded resolver holds a socket pair for each), libcurl's cache of
    /// idle connections, the control socket and its clients, and ``fixed``.
    static func needed(for configuration: DaemonConfiguration) -> Int {
        let sends = configuration.maxInFlight * (1 + 2)
        let idle = ChannelFactory.connectionCacheSize(for: configuration)
        let control = 1 + configuration.controlMaxClients
        return sends + idle + control + fixed
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
