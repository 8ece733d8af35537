import ConcertCore
import Foundation

/// What a daemon's configuration asks of the PostgreSQL store: where it is, who this instance is,
/// and how long its claims hold.
extension PostgresStore {
    /// The settings `database_url` and `database_password_*` give; nil when `database_url` is
    /// unset (the store is SQLite).
    public static func settings(for configuration: DaemonConfiguration) -> PostgresSettings? {
        guard let url = configuration.databaseURL else { return nil }
        return PostgresSettings(
            url: url, password: configuration.databasePassword,
            applicationName: "concertd/\(configuration.effectiveInstanceName)")
    }

    /// The shortest lease (``leaseSeconds``) a claim is given.
    public static let minimumLeaseSeconds = 300

    /// How long a claimed row stays this instance's: twice the longest one send may take
    /// (`http_timeout`, `smtp_timeout`: each bounds one message from connection to final reply)
    /// and a minute more, at least ``minimumLeaseSeconds``.
    ///
    /// A lease must outlast the send and the write of its verdict (with the next claim, or on its
    /// own a moment later): a row whose lease ran out before its verdict was written is taken back
    /// and sent again by another instance (at least once, with the same idempotency key). A longer
    /// lease only delays the sends of an instance that died, by at most the lease.
    public static func leaseSeconds(httpTimeout: Duration, smtpTimeout: Duration) -> Int {
        let longest = max(httpTimeout, smtpTimeout)
        let seconds = Int((longest.components.seconds * 2) + (longest.components.attoseconds > 0 ? 1 : 0)) + 60
        return max(minimumLeaseSeconds, seconds)
    }
}
