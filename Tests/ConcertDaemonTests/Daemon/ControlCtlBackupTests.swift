import ConcertCore
import ConcertProtocol
import Foundation
import GRDB
import Testing

@testable import ConcertDaemon

/// `concertctl backup FILE` against a real daemon: a consistent copy taken while a fan-out
/// writes, a file only its owner can read, and a copy a new daemon starts from.
@Suite(.serialized, .timeLimit(.minutes(2))) struct ControlCtlBackupTests {
    static let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

    func ctl(_ daemon: TestDaemon, _ arguments: [String]) async -> CtlRun {
        await runCtl(arguments + ["--socket", daemon.socketPath])
    }

    func mode(_ path: String) throws -> Int {
        try (FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    /// Opens a backup read-only, as a second program would.
    func open(_ path: String) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.readonly = true
        return try DatabaseQueue(path: path, configuration: configuration)
    }

    @Test func aBackupTakenWhileAFanOutWritesIsConsistentAndOnlyItsOwnerCanReadIt() async throws {
        let sink = try WebhookSink()
        defer { sink.stop() }
        // Busan's concert starts 2019-10-25 10:00: its one-day reminders are due in a few seconds.
        let daemon = try TestDaemon(clockStart: "2019-10-24T09:59:50")
        defer { daemon.remove() }
        let count = 3000
        let file = daemon.directory + "/fanout.jsonl"
        try (0..<count).map {
            #"{"cities":["busan"],"webhook":"http://127.0.0.1:\#(sink.port)/h/\#($0)","format":"generic","secret":"\#(Self.secret)","before":"1d"}"#
        }.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let imported = await ctl(daemon, ["subscribe", "--from", file])
        #expect(imported.status == 0, "\(imported.error)")
        // Wait until the fan-out is under way, then back up while it goes on.
        let deadline = ContinuousClock.now + .seconds(60)
        while sink.requests < 50, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        let sentBefore = try daemon.daemon.database.counters()["delivery.sent", default: 0]
        let backup = daemon.directory + "/backup.sqlite3"
        let run = await ctl(daemon, ["backup", backup])
        let sentAfter = try daemon.daemon.database.counters()["delivery.sent", default: 0]
        #expect(run.status == 0, "\(run.error)")
        #expect(run.output.contains("backed up the database (schema "))
        #expect(sentBefore < count && sentBefore < sentAfter, "the fan-out was writing: \(sentBefore) → \(sentAfter)")

        #expect(try mode(backup) == 0o600)
        let copy = try open(backup)
        try await copy.read { db in
            #expect(try String.fetchOne(db, sql: "PRAGMA integrity_check") == "ok")
            #expect(try String.fetchOne(db, sql: "PRAGMA journal_mode") == "delete")
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM subscription") == count)
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM delivery") == count)
            // One moment of the fan-out: every running counter agrees with the rows it counts.
            let rows = try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM delivery GROUP BY state")
            for row in rows {
                let state: String = row["state"]
                let counted: Int = row["n"]
                let counter = try Int.fetchOne(
                    db, sql: "SELECT value FROM counter WHERE name = ?", arguments: ["delivery.\(state)"])
                #expect(counter == counted, "\(state)")
            }
        }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: daemon.directory).filter {
            $0.contains("partial")
        }
        #expect(leftovers.isEmpty)
        let copies = try FileManager.default.contentsOfDirectory(atPath: daemon.stateDirectory).filter {
            $0.hasPrefix("backup-")
        }
        #expect(copies.isEmpty, "the daemon's copy is gone once read")

        // Restored into a new state directory, it is what a daemon starts from.
        let restored = TemporarySocket()
        defer { restored.remove() }
        let state = restored.directory + "/state"
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: backup, toPath: state + "/concertd.sqlite3")
        let second = try TestDaemon(clockStart: "2019-10-24T09:59:50", stateDirectory: state)
        defer { second.remove() }
        #expect(try second.daemon.database.counters()["subscription.active"] == count)
    }

    @Test func anExistingFileIsNeverOverwritten() async throws {
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        let backup = daemon.directory + "/backup.sqlite3"
        try "keep me".write(toFile: backup, atomically: true, encoding: .utf8)
        let run = await ctl(daemon, ["backup", backup])
        #expect(run.status == 73)
        #expect(run.error.contains("it exists; it is never overwritten"))
        #expect(try String(contentsOfFile: backup, encoding: .utf8) == "keep me")
    }

    @Test func onlyRootAndTheDaemonsUserMayTakeABackup() async throws {
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        let handler = DaemonControlHandler(daemon: daemon.daemon)
        let member = PeerCredentials(pid: 1, uid: 4_000_001, gid: 4_000_001)
        for request in [
            try ControlRequest(id: .number(1), method: ControlMethods.backup, params: NoParams()),
            try ControlRequest(
                id: .number(2), method: ControlMethods.backupRead,
                params: BackupReadParams(backup: "backup-x", offset: 0)),
        ] {
            let reply = await handler.handle(request, peer: member)
            #expect(reply.error?.code == .permissionDenied, "\(request.method)")
        }
        let root = await handler.handle(
            ControlRequest(id: .number(3), method: "backup"), peer: .init(pid: 1, uid: 0, gid: 0))
        #expect(root.error == nil)
    }

    @Test(arguments: [
        (#"{"backup":"B","offset":-1}"#, "offset"), (#"{"backup":"B","offset":9223372036854775807}"#, "offset"),
        (#"{"backup":"B","offset":0,"length":0}"#, "length"),
        (#"{"backup":"B","offset":0,"length":1048577}"#, "length"),
    ])
    func aReadOutsideTheCopyIsInvalidParams(params: String, field: String) async throws {
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        let client = try RawControlClient(path: daemon.socketPath)
        try client.send(ControlMethods.backup, NoParams(), id: 1)
        let made = try client.readReply().decodeResult(as: BackupResult.self)
        #expect(
            client.send(
                line: #"{"jsonrpc":"2.0","id":2,"method":"backup.read","params":"#
                    + params.replacingOccurrences(of: "\"B\"", with: "\"\(made.backup)\"") + "}"))
        let reply = try client.readReply()
        #expect(reply.error?.code == .invalidParams)
        #expect(reply.error?.field == field)
        try client.send(ControlMethods.backupRead, BackupReadParams(backup: "backup-none", offset: 0), id: 3)
        #expect(try client.readReply().error?.code == .notFound)
    }

    @Test func withoutATerminalTheBackupPrintsOnlyItsResult() async throws {
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        let backup = daemon.directory + "/backup.sqlite3"
        let socket = daemon.socketPath
        let run = try await offPool { try runCtlBinary(["backup", backup, "--socket", socket]) }
        #expect(run.status == 0, "\(run.error)")
        #expect(run.output.hasPrefix("backed up the database (schema "))
        #expect(run.error.isEmpty)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "needs script(1)"))
    func onATerminalTheBackupShowsItsProgressOnOneLine() async throws {
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        let backup = daemon.directory + "/backup.sqlite3"
        let command = [ConcertCtlPermissionTests.binary, "backup", backup, "--socket", daemon.socketPath]
            .joined(separator: " ")
        let run = try await offPool {
            try runCtlBinary(["-q", "-e", "-c", command, "/dev/null"], executable: "/usr/bin/script")
        }
        #expect(run.status == 0, "\(run.error)")
        #expect(run.output.contains("\rconcertd is copying the database\u{1B}[K"), "\(run.output.debugDescription)")
        #expect(run.output.contains("MiB (100%)"))
        #expect(run.output.contains("\r\u{1B}[Kbacked up the database"))
    }
}
