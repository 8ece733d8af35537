import ConcertCore
import ConcertPostgres
import Foundation
import PostgresTestSupport
import Testing

@testable import ConcertDaemon

/// A daemon given `database_url` keeps its store on PostgreSQL (no SQLite file, no file lock),
/// and instances share the database under names of their own: a name a live session uses is refused.
@Suite(.serialized, .timeLimit(.minutes(3))) struct PostgresDaemonStartTests {
    @Test func aDaemonGivenADatabaseURLKeepsItsStoreOnPostgreSQL() async throws {
        let url = try await ThrowawayPostgres.shared().makeDatabase()
        let instance = try await TestDaemon.onPostgres(url, instance: "east-1")
        defer { instance.remove() }
        #expect(instance.daemon.database is PostgresStore)
        #expect(instance.postgres.instanceName == "east-1")
        #expect(!FileManager.default.fileExists(atPath: instance.stateDirectory + "/concertd.sqlite3"))
        #expect(!FileManager.default.fileExists(atPath: instance.stateDirectory + "/concertd.sqlite3.lock"))
        // What the daemon stored is in the database, seen from a connection of another instance.
        let other = PostgresStore(settings: PostgresSettings(url: url), instanceName: "reader")
        defer { other.close() }
        #expect(try other.schemaVersion() == StoreSchema.migrations.count)
        #expect(try other.concerts().count == instance.daemon.catalog.concerts.count)
        let (made, _) = try instance.daemon.database.createSubscription(
            NewSubscription(
                channel: .webhook(url: "https://hooks.example.org/a", format: "generic", secret: nil), cities: ["busan"]
            ),
            now: instance.daemon.clock.now())
        #expect(try other.subscription(id: made.id) != nil)
    }

    @Test func aSecondInstanceOfALiveInstanceNameIsRefusedAndAnotherNameStarts() async throws {
        let url = try await ThrowawayPostgres.shared().makeDatabase()
        let first = try await TestDaemon.onPostgres(url, instance: "east-1")
        var refused: Daemon.StartupError?
        do {
            let second = try await TestDaemon.onPostgres(url, instance: "east-1")
            second.remove()
        } catch let error as Daemon.StartupError {
            refused = error
        }
        let error = try #require(refused, "a second instance named east-1 started beside the first")
        #expect(error.kind == .anotherDaemon)
        #expect(error.description.contains("instance_name 'east-1' is in use"), "\(error)")
        #expect(!error.description.contains("password"))
        let other = try await TestDaemon.onPostgres(url, instance: "west-1")
        other.remove()
        // Once the first has stopped, its name is free again.
        first.remove()
        let again = try await TestDaemon.onPostgres(url, instance: "east-1")
        again.remove()
    }

    @Test func instancesStartingTogetherUnderOneNameStartOnce() async throws {
        let url = try await ThrowawayPostgres.shared().makeDatabase()
        let results = await withTaskGroup(of: TestDaemon?.self) { group in
            for _ in 0..<3 {
                group.addTask { try? await TestDaemon.onPostgres(url, instance: "same") }
            }
            var started: [TestDaemon?] = []
            for await result in group { started.append(result) }
            return started
        }
        let started = results.compactMap { $0 }
        for daemon in started { daemon.remove() }
        #expect(started.count == 1)
    }
}

extension ConcertdExitStatusTests {
    /// A server that cannot be reached now may be back later: 75, so systemd starts concertd
    /// again; and no SQLite file is made in its place.
    @Test func aDaemonWhosePostgreSQLServerCannotBeReachedExits75() async throws {
        let cluster = try await ThrowawayPostgres.shared()
        let port = try await cluster.closedPort()
        let socket = TemporarySocket()
        defer { socket.remove() }
        let exit = try await ThrowawayPostgres.blocking { [self] in
            try run(
                daemonArguments(state: socket.directory + "/state", socket: socket.path) + [
                    "--database-url", "postgresql://concertd@127.0.0.1:\(port)/concertd",
                ], directory: socket.directory)
        }
        #expect(exit.status == 75, "\(exit.error)")
        #expect(exit.error.contains("127.0.0.1:\(port)/concertd cannot be opened"), "\(exit.error)")
        #expect(!FileManager.default.fileExists(atPath: socket.directory + "/state/concertd.sqlite3"))
    }

    /// A login the server refuses needs a person (a wrong password, an unknown role, a database
    /// that does not exist): 78, which the unit does not restart every 5 s, with the reason.
    @Test func aDaemonWhoseLoginThePostgreSQLServerRefusesExits78() async throws {
        let cluster = try await ThrowawayPostgres.shared()
        let url = try await cluster.makeDatabase()
        let password = "pw-\(UUID().uuidString.prefix(8))"
        try await cluster.createRole("refused_user", password: password)
        let socket = TemporarySocket()
        defer { socket.remove() }
        try "not-\(password)\n".write(toFile: socket.directory + "/pw", atomically: true, encoding: .utf8)
        let host = "127.0.0.1:\(url.effectivePort)"
        for (target, words) in [
            ("postgresql://\(url.user ?? "postgres")@\(host)/no_such_database", "no_such_database"),
            ("postgresql://refused_user@\(host)/\(url.database)", "password authentication failed"),
        ] {
            let config = socket.directory + "/concertd.conf"
            try "database_url = \(target)\ndatabase_password_file = \(socket.directory)/pw\n".write(
                toFile: config, atomically: true, encoding: .utf8)
            let exit = try await ThrowawayPostgres.blocking { [self] in
                try run(
                    ["--config", config] + daemonArguments(state: socket.directory + "/state", socket: socket.path),
                    directory: socket.directory)
            }
            #expect(exit.status == 78, "\(target): \(exit.error)")
            #expect(exit.error.contains(words), "\(exit.error)")
            #expect(!exit.error.contains(password))
        }
    }
}
