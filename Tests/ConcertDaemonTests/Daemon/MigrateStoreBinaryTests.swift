import ConcertCore
import ConcertPostgres
import Foundation
import PostgresTestSupport
import Testing

/// `concertd migrate-store` as an operator runs it: the built binary, the store of a daemon that
/// ran on it, a PostgreSQL role that must give its password, and a real daemon's lock.
@Suite(.serialized, .timeLimit(.minutes(3))) struct MigrateStoreBinaryTests {
    @Test func theStoreOfAStoppedDaemonMovesOnceAndARunningDaemonsIsRefused() async throws {
        try ThrowawayPostgres.requireAvailable()
        let server = try await ThrowawayPostgres.shared()
        // A role that must give its password, owning the new database (its public schema with it).
        var url = try await server.makeDatabase()
        let role = "mover\(ProcessInfo.processInfo.processIdentifier)"
        let password = "pg-pa55-never-shown"
        try await server.createRole(role, password: password)
        let superuser = try PostgresConnection(PostgresSettings(url: url))
        try superuser.execute("ALTER DATABASE \"\(url.database)\" OWNER TO \(role)")
        superuser.close()
        url.user = role

        let daemon = try ConcertdProcess()
        defer { daemon.stop() }
        let directory = daemon.socket.directory
        let database = directory + "/state/concertd.sqlite3"
        let passwordFile = directory + "/db-password"
        try (password + "\n").write(toFile: passwordFile, atomically: true, encoding: .utf8)
        let move = [
            "migrate-store", "--from", database, "--to", url.description, "--database-password-file", passwordFile,
        ]
        let tests = ConcertdBinaryTests()

        // The daemon holds the file: refused, naming it, before anything reaches the server.
        let (held, _, heldError) = try tests.run(move, environment: [:], directory: directory)
        #expect(held == 75, "\(heldError)")
        #expect(heldError.contains("another concertd (pid \(daemon.process.processIdentifier))"), "\(heldError)")
        #expect(heldError.contains("stop the daemon first: the copy needs the file unchanged"), "\(heldError)")
        #expect(!heldError.contains("two daemons"), "\(heldError)")
        let target = PostgresStore(
            settings: PostgresSettings(url: url, password: Secret(password)), instanceName: "check")
        #expect(try target.schemaVersion() == 0)

        // Stopped as systemd stops it (the folder stays: `stop()` would remove it).
        daemon.process.terminate()
        daemon.process.waitUntilExit()
        let subscription: String
        do {
            let store = try AppDatabase.open(path: database)
            subscription = try store.createSubscription(
                NewSubscription(
                    channel: .webhook(url: "https://hooks.example.org/a", format: "generic", secret: "whsec_abc"),
                    cities: ["seoul"], offsets: [ReminderOffset(seconds: 86_400)]),
                now: Date(timeIntervalSince1970: 1_571_497_200)
            ).0.id
        }
        let (status, output, error) = try tests.run(move, environment: [:], directory: directory)
        #expect(status == 0, "\(error)")
        #expect(!output.contains(password) && !error.contains(password))
        let lines = output.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        let counts = Dictionary(lines.compactMap { $0.count == 2 ? ($0[0], Int($0[1]) ?? -1) : nil }) { a, _ in a }
        #expect(counts["subscription"] == 1, "\(output)")
        #expect((counts["concert"] ?? 0) > 0, "\(output)")
        #expect(counts.keys.contains("delivery") && counts.keys.contains("web_undo"), "\(output)")
        #expect(try target.schemaVersion() == StoreSchema.migrations.count)
        #expect(try target.subscription(id: subscription)?.channel.channelKind == "webhook")
        #expect(try target.concerts().count == counts["concert"])

        let place = url.serverDescription
        #expect(output.contains("into postgresql://\(place) "), "host, port and name, no user: \(output)")
        #expect(output.contains("concertd migrate-store --undo-mark \(database)"), "\(output)")

        // The file is marked as moved: a daemon and check-config on it refuse it, saying where the
        // store went and how to use the file again; a second move refuses it before the server.
        let start = [
            "--catalog", TestDaemon.catalogPath, "--state-dir", directory + "/state", "--socket",
            directory + "/again.sock",
        ]
        for arguments in [start, ["check-config"] + start] {
            let (refused, _, refusal) = try tests.run(arguments, environment: [:], directory: directory)
            #expect(refused == 78, "\(arguments[0]): \(refusal)")
            #expect(refusal.contains("was moved to postgresql://\(place)"), "\(refusal)")
            #expect(refusal.contains("--undo-mark \(database)"), "\(refusal)")
            #expect(!refusal.contains(password) && !refusal.contains(role), "\(refusal)")
        }
        let (moved, _, movedError) = try tests.run(move, environment: [:], directory: directory)
        #expect(moved == 65, "\(movedError)")
        #expect(movedError.contains("was moved to postgresql://\(place)"), "\(movedError)")

        // Taken off, the file is the store it was: a move again finds the target holding data.
        let (undone, undoOutput, undoError) = try tests.run(
            ["migrate-store", "--undo-mark", database], environment: [:], directory: directory)
        #expect(undone == 0, "\(undoError)")
        #expect(undoOutput.contains("took the mark off \(database)"), "\(undoOutput)")
        #expect(try AppDatabase.open(path: database).subscription(id: subscription) != nil)
        let (again, _, againError) = try tests.run(move, environment: [:], directory: directory)
        #expect(again == 65)
        #expect(againError.contains("already holds a store"), "\(againError)")
        let (mixed, _, _) = try tests.run(
            ["migrate-store", "--undo-mark", database, "--from", database], environment: [:], directory: directory)
        #expect(mixed == 64)

        // The wrong password: refused by the server, not repeated; a person must mend it (78).
        try "wrong-password\n".write(toFile: passwordFile, atomically: true, encoding: .utf8)
        let (denied, _, deniedError) = try tests.run(move, environment: [:], directory: directory)
        #expect(denied == 78)
        #expect(deniedError.contains("password"), "\(deniedError)")
    }

    /// A role that may not create the store's tables: named with the database and the fix, 78.
    @Test func aRoleWithoutCreateOnTheSchemaNeedsAPerson() async throws {
        try ThrowawayPostgres.requireAvailable()
        let server = try await ThrowawayPostgres.shared()
        var url = try await server.makeDatabase()
        let role = "nocreate_bin\(ProcessInfo.processInfo.processIdentifier)"
        let password = "pg-pa55-never-shown"
        try await server.createRole(role, password: password)
        url.user = role
        let folder = TemporarySocket()
        defer { folder.remove() }
        let database = folder.directory + "/concertd.sqlite3"
        _ = try AppDatabase.open(path: database)
        let passwordFile = folder.directory + "/db-password"
        try (password + "\n").write(toFile: passwordFile, atomically: true, encoding: .utf8)
        let (status, _, error) = try ConcertdBinaryTests().run(
            ["migrate-store", "--from", database, "--to", url.description, "--database-password-file", passwordFile],
            environment: [:], directory: folder.directory)
        #expect(status == 78, "\(error)")
        #expect(error.contains("postgresql://\(url.serverDescription)"), "\(error)")
        #expect(error.contains("GRANT CREATE ON SCHEMA public TO \(role)"), "\(error)")
        #expect(!error.contains(password))
    }
}
