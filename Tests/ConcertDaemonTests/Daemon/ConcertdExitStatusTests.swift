import ConcertCore
import Foundation
import GRDB
import Testing

@testable import ConcertDaemon

/// The real `concertd` binary's exit status when it cannot start: 78 (`EX_CONFIG`, the unit does
/// not restart it) for what only a person can mend, 75 (`EX_TEMPFAIL`, restarted) for what
/// waiting may cure.
@Suite(.serialized, .timeLimit(.minutes(2))) struct ConcertdExitStatusTests {
    struct Exit {
        var status: Int32
        var error: String
    }

    /// Runs `concertd` (through `wrapper`, such as `unshare`, when given) until it exits.
    func run(_ arguments: [String], wrapper: [String] = [], directory: String) throws -> Exit {
        let (process, error) = try ConcertdBinaryTests.launch(arguments, wrapper: wrapper, directory: directory)
        // A daemon that starts instead of refusing would run forever: end it, and its test fails.
        DispatchQueue.global().asyncAfter(deadline: .now() + 30) { if process.isRunning { process.terminate() } }
        let message = String(decoding: error.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return Exit(status: process.terminationStatus, error: message)
    }

    func daemonArguments(state: String, socket: String) -> [String] {
        ["--catalog", TestDaemon.catalogPath, "--state-dir", state, "--socket", socket]
    }

    /// A database with the current schema at `state`/concertd.sqlite3, closed again.
    func makeDatabase(in state: String, _ change: (AppDatabase) throws -> Void = { _ in }) throws {
        let database = try AppDatabase.open(path: state + "/concertd.sqlite3")
        try change(database)
    }

    @Test func aBadConfigurationExits78() throws {
        let socket = TemporarySocket()
        defer { socket.remove() }
        let config = socket.directory + "/bad.conf"
        try "retry_max_attempts = 0\n".write(toFile: config, atomically: true, encoding: .utf8)
        let exit = try run(
            ["--config", config] + daemonArguments(state: socket.directory + "/state", socket: socket.path),
            directory: socket.directory)
        #expect(exit.status == 78)
        #expect(exit.error.contains("refusing to start") && exit.error.contains("retry_max_attempts"))
    }

    @Test func aDatabaseFromANewerConcertdExits78() throws {
        let socket = TemporarySocket()
        defer { socket.remove() }
        let state = socket.directory + "/state"
        try makeDatabase(in: state) { database in
            try database.writer.write { db in
                try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')")
            }
        }
        let exit = try run(daemonArguments(state: state, socket: socket.path), directory: socket.directory)
        #expect(exit.status == 78)
        #expect(exit.error.contains("refusing to start") && exit.error.contains("v99-from-the-future"))
    }

    @Test func aDatabaseLockedByAnotherProgramExits75() throws {
        let socket = TemporarySocket()
        defer { socket.remove() }
        let state = socket.directory + "/state"
        try makeDatabase(in: state)
        // Another program (an administrator's sqlite3, a backup tool) holding the write lock.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        holder.arguments = [
            "-c",
            """
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1], isolation_level=None)
            db.execute("BEGIN EXCLUSIVE")
            print("locked", flush=True)
            sys.stdin.read()
            """,
            state + "/concertd.sqlite3",
        ]
        let input = Pipe()
        let output = Pipe()
        holder.standardInput = input
        holder.standardOutput = output
        try holder.run()
        defer {
            try? input.fileHandleForWriting.close()
            holder.waitUntilExit()
        }
        #expect(String(decoding: output.fileHandleForReading.availableData, as: UTF8.self).hasPrefix("locked"))

        let exit = try run(daemonArguments(state: state, socket: socket.path), directory: socket.directory)
        #expect(exit.status == 75, "\(exit.error)")
        #expect(exit.error.contains("cannot start now") && exit.error.contains("database is locked"))
    }

    /// Root only: a small tmpfs, in a mount namespace of the daemon's own, filled before it starts.
    @Test(
        .enabled(if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare"), "needs root"),
        arguments: [true, false])
    func aFullFileSystemExits75(databaseExists: Bool) throws {
        let socket = TemporarySocket()
        defer { socket.remove() }
        let seed = socket.directory + "/seed"
        let state = socket.directory + "/state"
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: false)
        if databaseExists {
            // The lock file already written, so the pid fits in its page: the database meets the full disk.
            try makeDatabase(in: seed)
            try "1\n".write(toFile: seed + "/concertd.sqlite3.lock", atomically: false, encoding: .utf8)
        } else {
            try FileManager.default.createDirectory(atPath: seed, withIntermediateDirectories: false)
        }
        let script = """
            mount -t tmpfs -o size=1m,mode=0700 tmpfs "$1" || exit 90
            cp -a "$2"/. "$1"/ || exit 91
            dd if=/dev/zero of="$1/filler" bs=4096 2>/dev/null
            shift 2
            exec "$@"
            """
        let exit = try run(
            daemonArguments(state: state, socket: socket.path),
            wrapper: [
                "/usr/bin/unshare", "--mount", "--propagation", "private", "/bin/sh", "-c", script, "sh", state, seed,
            ],
            directory: socket.directory)
        try #require(exit.status != 90, "no tmpfs mount here: \(exit.error)")
        #expect(exit.status == 75, "\(exit.error)")
        #expect(exit.error.contains("cannot start now"))
        if databaseExists {
            #expect(exit.error.contains("SQLite error"), "the database, not the lock file, met the full disk")
        } else {
            #expect(exit.error.contains("No space left on device"))
        }
    }

    @Test func aSecondDaemonOnTheSameStateDirectoryExits75AndTheFirstKeepsItsReminders() async throws {
        let socket = TemporarySocket()
        defer { socket.remove() }
        let state = socket.directory + "/state"
        let receiver = try DatagramReceiver()
        let (first, _) = try ConcertdBinaryTests.launch(
            daemonArguments(state: state, socket: socket.path) + ["--clock-start", "2019-10-20T00:00+09:00"],
            environment: ["NOTIFY_SOCKET": receiver.notifySocket], directory: socket.directory)
        defer { if first.isRunning { first.terminate() } }
        #expect(receiver.receive(timeout: 20)?.hasPrefix("READY=1") == true)
        let subscribed = try runCtlBinary([
            "subscribe", "busan", "daegu", "--webhook", "https://hooks.example.org/a", "--quiet", "--socket",
            socket.path,
        ])
        #expect(subscribed.status == 0, "\(subscribed.error)")
        let before = try deliveryStates(state)
        #expect(before["scheduled", default: 0] > 0 && before["skipped"] == nil, "\(before)")

        // The operator's mistake: the same state directory, another socket, the system's clock.
        let second = try run(
            daemonArguments(state: state, socket: socket.directory + "/second.sock"), directory: socket.directory)
        #expect(second.status == 75)
        #expect(
            second.error.contains(
                "another concertd (pid \(first.processIdentifier)) holds \(state)/concertd.sqlite3.lock"))
        #expect(try deliveryStates(state) == before, "pending reminders stay pending")
        #expect(first.isRunning)

        kill(first.processIdentifier, SIGTERM)
        first.waitUntilExit()
        #expect(first.terminationStatus == 0)
        let nextReceiver = try DatagramReceiver()
        let (next, _) = try ConcertdBinaryTests.launch(
            daemonArguments(state: state, socket: socket.directory + "/second.sock")
                + ["--clock-start", "2019-10-20T00:00+09:00"],
            environment: ["NOTIFY_SOCKET": nextReceiver.notifySocket], directory: socket.directory)
        defer { if next.isRunning { next.terminate() } }
        #expect(
            nextReceiver.receive(timeout: 20)?.hasPrefix("READY=1") == true,
            "a new daemon starts once the first is gone")
        kill(next.processIdentifier, SIGTERM)
        next.waitUntilExit()
        #expect(next.terminationStatus == 0)
    }

    /// The number of deliveries in each state, read beside the running daemon.
    func deliveryStates(_ state: String) throws -> [String: Int] {
        var configuration = Configuration()
        configuration.readonly = true
        let reader = try DatabaseQueue(path: state + "/concertd.sqlite3", configuration: configuration)
        return try reader.read { db in
            Dictionary(
                uniqueKeysWithValues: try Row.fetchAll(
                    db, sql: "SELECT state, COUNT(*) AS n FROM delivery GROUP BY state"
                )
                .map { ($0["state"] as String, $0["n"] as Int) })
        }
    }
}

extension ConcertdExitStatusTests {
    @Test func aControlSocketAnsweredByAnotherDaemonExits75() throws {
        let socket = TemporarySocket()
        defer { socket.remove() }
        let receiver = try DatagramReceiver()
        let (first, _) = try ConcertdBinaryTests.launch(
            daemonArguments(state: socket.directory + "/first", socket: socket.path),
            environment: ["NOTIFY_SOCKET": receiver.notifySocket], directory: socket.directory)
        defer {
            kill(first.processIdentifier, SIGTERM)
            first.waitUntilExit()
        }
        #expect(receiver.receive(timeout: 20)?.hasPrefix("READY=1") == true)
        // Another state directory, the same socket.
        let second = try run(
            daemonArguments(state: socket.directory + "/second", socket: socket.path), directory: socket.directory)
        #expect(second.status == 75)
        #expect(second.error.contains("another concertd is already listening on \(socket.path)"))
        #expect(first.isRunning)
    }
}
