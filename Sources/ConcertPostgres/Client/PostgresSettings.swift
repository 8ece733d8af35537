import ConcertCore
import Foundation

/// How to reach the PostgreSQL server: the URL, the password, and what this instance tells the
/// server about itself.
public struct PostgresSettings: Sendable, Hashable {
    public var url: DatabaseURL
    /// The password, from `database_password_*`; `nil` when the server needs none (peer, trust,
    /// certificate authentication, or `~/.pgpass`).
    public var password: Secret?
    /// Shown in `pg_stat_activity.application_name`: `concertd/<instance>`.
    public var applicationName: String
    /// The longest wait for the server to accept a connection (libpq's `connect_timeout`, whole seconds, at least 2).
    public var connectTimeoutSeconds: Int

    public init(
        url: DatabaseURL, password: Secret? = nil, applicationName: String = "concertd", connectTimeoutSeconds: Int = 10
    ) {
        self.url = url
        self.password = password
        self.applicationName = applicationName
        self.connectTimeoutSeconds = connectTimeoutSeconds
    }

    /// libpq's connection keywords and values (`PQconnectdbParams`), never parsed from a string,
    /// so that no value can smuggle in another keyword.
    ///
    /// TCP keepalives and `tcp_user_timeout` make a silently vanished server (a cable pulled, a
    /// failover that leaves the old address dead) fail the blocked call within about 30 seconds
    /// instead of the system's two hours: the caller then reconnects.
    var keywords: [(String, String)] {
        var pairs: [(String, String)] = [
            ("host", url.host),
            ("port", String(url.effectivePort)),
            ("dbname", url.database),
            ("application_name", String(applicationName.prefix(63))),
            ("connect_timeout", String(max(2, connectTimeoutSeconds))),
            ("client_encoding", "UTF8"),
            ("keepalives", "1"),
            ("keepalives_idle", "10"),
            ("keepalives_interval", "5"),
            ("keepalives_count", "3"),
            ("tcp_user_timeout", "30000"),
            // libpq prints the server's notices on stderr; warnings and errors still come back.
            ("options", "-c client_min_messages=warning"),
        ]
        if let user = url.user { pairs.append(("user", user)) }
        if let password { pairs.append(("password", password.revealed)) }
        if let mode = url.sslMode { pairs.append(("sslmode", mode.rawValue)) }
        if let root = url.sslRootCert { pairs.append(("sslrootcert", root)) }
        return pairs
    }
}
