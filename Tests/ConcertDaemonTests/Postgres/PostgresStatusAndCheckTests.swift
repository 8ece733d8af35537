import ConcertCore
import ConcertPostgres
import ConcertProtocol
import Foundation
import PostgresTestSupport
import Testing

@testable import ConcertDaemon

/// `status` names the store on both engines (engine, where it is, never a password, and the
/// instance's name), and `check-config` reads a PostgreSQL store as it reads a SQLite file: its
/// schema version, a newer one refused, the cities in use.
@Suite(.serialized, .timeLimit(.minutes(3))) struct PostgresStatusAndCheckTests {
    func status(_ daemon: TestDaemon) throws -> StatusResult {
        let client = try RawControlClient(path: daemon.socketPath)
        try client.send(ControlMethods.status, NoParams(), id: 1)
        return try client.readReply().decodeResult(as: StatusResult.self)
    }

    @Test func statusNamesThePostgreSQLStoreAndTheInstanceButNoPassword() async throws {
        let cluster = try await ThrowawayPostgres.shared()
        let url = try await cluster.makeDatabase()
        let folder = TemporarySocket()
        defer { folder.remove() }
        try "pw-not-shown-9\n".write(toFile: folder.directory + "/db-password", atomically: true, encoding: .utf8)
        let daemon = try await TestDaemon.onPostgres(
            url, instance: "east-1", more: "database_password_file = \(folder.directory)/db-password\n")
        defer { daemon.remove() }
        let store = try #require(try status(daemon).store)
        #expect(store.engine == "postgresql")
        #expect(store.host == "127.0.0.1")
        #expect(store.port == url.effectivePort)
        #expect(store.database == url.database)
        #expect(store.path == nil)
        #expect(store.instanceName == "east-1")
        let run = await runCtl(["--socket", daemon.socketPath, "status"])
        #expect(
            run.output.contains(
                "store          postgresql 127.0.0.1:\(url.effectivePort)/\(url.database), instance east-1"),
            "\(run.output)")
        let json = await runCtl(["--socket", daemon.socketPath, "status", "--json"])
        #expect(json.output.contains(#""engine" : "postgresql""#), "\(json.output)")
        #expect(json.output.contains(#""instance_name" : "east-1""#), "\(json.output)")
        for text in [run.output, json.output] { #expect(!text.contains("pw-not-shown-9")) }
    }

    /// On SQLite there is one instance: no instance_name (it needs database_url).
    @Test func statusNamesTheSQLiteFileAndNoInstance() async throws {
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        let store = try #require(try status(daemon).store)
        #expect(store.engine == "sqlite")
        #expect(store.path == daemon.stateDirectory + "/concertd.sqlite3")
        #expect(store.host == nil && store.port == nil && store.database == nil)
        #expect(store.instanceName == nil)
        let run = await runCtl(["--socket", daemon.socketPath, "status"])
        let line = run.output.split(separator: "\n").first { $0.hasPrefix("store ") }
        #expect(line == "store          sqlite \(daemon.stateDirectory)/concertd.sqlite3", "\(run.output)")
        let json = await runCtl(["--socket", daemon.socketPath, "status", "--json"])
        #expect(!json.output.contains("instance_name"), "\(json.output)")
    }
}

extension CheckConfigTests {
    func postgresConfig(_ url: DatabaseURL, in folder: TemporarySocket, instance: String = "check") throws -> String {
        let config = folder.directory + "/concertd.conf"
        try write("database_url = \(url)\ninstance_name = \(instance)\n", to: config)
        return config
    }

    @Test func checkConfigReadsThePostgreSQLStoreItsSchemaAndItsCitiesInUse() async throws {
        let url = try await ThrowawayPostgres.shared().makeDatabase()
        let folder = TemporarySocket()
        defer { folder.remove() }
        let config = try postgresConfig(url, in: folder)
        let location = "postgresql://127.0.0.1:\(url.effectivePort)/\(url.database)"
        let empty = try checkConfig([config, "--catalog", TestDaemon.catalogPath], directory: folder.directory)
        #expect(empty.status == 0, "\(empty.output)\n\(empty.error)")
        #expect(empty.output.contains("database: \(location) (instance check) holds no store yet"), "\(empty.output)")
        // A store with a subscription in a city a smaller catalog lacks.
        let store = try PostgresStore.open(settings: PostgresSettings(url: url), instanceName: "a")
        defer { store.close() }
        let known = StoreSchema.migrations.count
        let checked = try checkConfig([config, "--catalog", TestDaemon.catalogPath], directory: folder.directory)
        #expect(checked.status == 0, "\(checked.output)\n\(checked.error)")
        #expect(
            checked.output.contains("database: \(location) (instance check): schema version \(known)"),
            "\(checked.output)")
        _ = try store.createSubscription(
            NewSubscription(channel: .email("a@example.org"), cities: ["busan"]), now: Date())
        let catalog = folder.directory + "/small.json5"
        let text = try String(contentsOfFile: TestDaemon.catalogPath, encoding: .utf8)
        try write(try CatalogReloadCityTests().withoutBusan(text), to: catalog)
        let dropped = try checkConfig([config, "--catalog", catalog], directory: folder.directory)
        #expect(dropped.status == 78)
        #expect(dropped.error.contains("city 'busan' is not in the catalog"), "\(dropped.error)")
        #expect(dropped.error.contains("in \(location) still name it"), "\(dropped.error)")
        // A migration this concertd does not know: a newer concertd wrote the store.
        try store.pool.withConnection { connection in
            _ = try connection.query("INSERT INTO schema_migration (identifier) VALUES ('v99-from-the-future')")
        }
        let newer = try checkConfig([config, "--catalog", TestDaemon.catalogPath], directory: folder.directory)
        #expect(newer.status == 78)
        #expect(newer.error.contains("schema version \(known + 1)"), "\(newer.error)")
        #expect(newer.error.contains("newer"), "\(newer.error)")
    }

    @Test func checkConfigReportsAPostgreSQLServerItCannotReach() async throws {
        let cluster = try await ThrowawayPostgres.shared()
        var url = try await cluster.makeDatabase()
        url.port = try await cluster.closedPort()
        url.user = "checker"
        let folder = TemporarySocket()
        defer { folder.remove() }
        let config = try postgresConfig(url, in: folder)
        let checked = try checkConfig([config, "--catalog", TestDaemon.catalogPath], directory: folder.directory)
        #expect(checked.status == 78)
        #expect(
            checked.error.contains("127.0.0.1:\(url.effectivePort)/\(url.database) cannot be read"), "\(checked.error)")
        // The database as it is named everywhere: host, port and name, not who connects.
        #expect(!checked.error.contains("checker@"), "\(checked.error)")
    }
}
