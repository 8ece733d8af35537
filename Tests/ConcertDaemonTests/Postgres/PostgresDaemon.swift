import ConcertCore
import ConcertPostgres
import Foundation
import PostgresTestSupport

@testable import ConcertDaemon

/// A whole daemon in this process keeping its store on a database of the shared throwaway
/// cluster, under `instance`.
extension TestDaemon {
    /// The configuration text of an instance named `instance` on `url`.
    static func postgresConfig(_ url: DatabaseURL, instance: String, more: String = "") -> String {
        "database_url = \(url)\ninstance_name = \(instance)\n" + more
    }

    /// Starts a daemon on `url` as `instance` (on a thread of its own: starting blocks).
    static func onPostgres(
        _ url: DatabaseURL, instance: String, more: String = "", clockStart: String = "2019-10-20T00:00"
    ) async throws -> TestDaemon {
        let config = postgresConfig(url, instance: instance, more: more)
        return try await ThrowawayPostgres.blocking { try TestDaemon(clockStart: clockStart, config: config) }
    }

    /// The daemon's store as what it is on PostgreSQL.
    var postgres: PostgresStore {
        guard let store = daemon.database as? PostgresStore else { fatalError("the daemon's store is PostgreSQL") }
        return store
    }
}
