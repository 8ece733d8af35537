import ConcertCore
import ConcertProtocol
import Foundation
import GRDB
import Testing

@testable import ConcertDaemon

/// `subscribe --from` against a real daemon: every generated signing secret handed over through
/// `--secrets-file`, an import that has nowhere to put them refused, and a commit waited for as
/// long as the daemon answers.
@Suite(.serialized, .timeLimit(.minutes(2))) struct ControlCtlImportTests {
    struct Entry: Decodable, Hashable {
        var line: Int
        var id: String
        var secret: String
    }

    func ctl(_ daemon: TestDaemon, _ arguments: [String]) async -> CtlRun {
        await runCtl(arguments + ["--socket", daemon.socketPath])
    }

    /// `count` lines: every `generic`-th a generic webhook without a secret, the rest emails.
    func writeImport(_ daemon: TestDaemon, count: Int, generic every: Int, name: String = "import.jsonl") throws
        -> String
    {
        let file = daemon.directory + "/" + name
        let lines = (1...count).map { index in
            index % every == 0
                ? #"{"cities":["busan"],"webhook":"http://127.0.0.1:9/hook/\#(index)","format":"generic"}"#
                : #"{"cities":["busan","gimhae"],"email":"user\#(index)@example.org"}"#
        }
        try lines.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    func entries(_ path: String) throws -> [Entry] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
            try JSONDecoder().decode(Entry.self, from: Data($0.utf8))
        }
    }

    func mode(_ path: String) throws -> Int {
        try (FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    func storedSecret(_ daemon: TestDaemon, _ id: String) throws -> String? {
        guard case .webhook(_, _, let secret)? = try daemon.daemon.database.subscription(id: id)?.channel else {
            return nil
        }
        return secret
    }

    func active(_ daemon: TestDaemon) throws -> Int {
        try daemon.daemon.database.counters()["subscription.active", default: 0]
    }

    @Test func aStagedImportWritesEveryGeneratedSecretToTheSecretsFileWithMode0600() async throws {
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        let file = try writeImport(daemon, count: 3000, generic: 5)
        let secrets = daemon.directory + "/secrets.jsonl"
        let run = await ctl(daemon, ["subscribe", "--from", file, "--secrets-file", secrets])
        #expect(run.status == 0, "\(run.error)")
        #expect(run.output.contains("imported 3000 subscriptions from"))
        #expect(!run.output.contains("whsec_"), "secrets go to the file only")
        #expect(run.error.contains("600 generated signing secrets written to \(secrets)"))
        #expect(try mode(secrets) == 0o600)
        let written = try entries(secrets)
        #expect(written.map(\.line).sorted() == Array(stride(from: 5, through: 3000, by: 5)))
        #expect(Set(written.map(\.id)).count == 600)
        for entry in written {
            #expect(try storedSecret(daemon, entry.id) == entry.secret, "line \(entry.line)")
        }
        #expect(try active(daemon) == 3000)
    }

    @Test func aSmallImportWritesItsSecretsToTheFileAndPrintsOnlyTheIDs() async throws {
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        let file = try writeImport(daemon, count: 4, generic: 2)
        let secrets = daemon.directory + "/secrets.jsonl"
        let run = await ctl(daemon, ["subscribe", "--from", file, "--secrets-file", secrets, "--json"])
        #expect(run.status == 0, "\(run.error)")
        #expect(!run.output.contains("whsec_"))
        let written = try entries(secrets)
        #expect(written.map(\.line) == [2, 4])
        for entry in written { #expect(try storedSecret(daemon, entry.id) == entry.secret) }
        #expect(try mode(secrets) == 0o600)
    }

    @Test(arguments: [4, 3000])
    func anImportNeedingGeneratedSecretsWithoutASecretsFileIsAUsageErrorAndStoresNothing(count: Int) async throws {
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        let file = try writeImport(daemon, count: count, generic: count == 4 ? 3 : 2_500)
        let run = await ctl(daemon, ["subscribe", "--from", file])
        #expect(run.status == 64, "\(run.error)")
        #expect(run.error.contains("line \(count == 4 ? 3 : 2_500): a generic webhook given no \"secret\""))
        #expect(run.error.contains("--secrets-file"))
        #expect(!run.output.contains("whsec_") && !run.error.contains("whsec_"))
        #expect(try active(daemon) == 0)
    }

    @Test func anExistingSecretsFileIsNeverOverwrittenAndNothingIsSent() async throws {
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        let file = try writeImport(daemon, count: 4, generic: 2)
        let secrets = daemon.directory + "/secrets.jsonl"
        try "keep me\n".write(toFile: secrets, atomically: true, encoding: .utf8)
        let run = await ctl(daemon, ["subscribe", "--from", file, "--secrets-file", secrets])
        #expect(run.status == 73)
        #expect(run.error.contains("it exists; it is never overwritten"))
        #expect(try String(contentsOfFile: secrets, encoding: .utf8) == "keep me\n")
        #expect(try active(daemon) == 0)
    }

    @Test func aCommitLongerThanTheTimeoutIsWaitedForWhileTheDaemonAnswers() async throws {
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        // Two chunks, staged in about a second.
        let file = try writeImport(daemon, count: 1_200, generic: 400)
        let secrets = daemon.directory + "/secrets.jsonl"
        // Another writer holds the database, so the commit waits for it (up to the daemon's busy
        // timeout of 5 s) longer than --timeout.
        var configuration = Configuration()
        configuration.allowsUnsafeTransactions = true
        let other = try DatabaseQueue(path: daemon.stateDirectory + "/concertd.sqlite3", configuration: configuration)
        try await other.writeWithoutTransaction { try $0.execute(sql: "BEGIN IMMEDIATE") }
        let release = Task {
            try await Task.sleep(for: .seconds(4.5))
            try await other.writeWithoutTransaction { try $0.execute(sql: "COMMIT") }
        }
        let started = ContinuousClock.now
        let run = await ctl(daemon, ["subscribe", "--from", file, "--secrets-file", secrets, "--timeout", "1.5"])
        try await release.value
        #expect(run.status == 0, "\(run.error)")
        #expect(ContinuousClock.now - started > .seconds(3), "the commit waited for the other writer")
        #expect(try active(daemon) == 1_200)
        #expect(try entries(secrets).count == 3)
    }

    @Test func anOlderClientStillGetsTheGeneratedSecretsInTheCommitsReply() async throws {
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        let client = try RawControlClient(path: daemon.socketPath)
        let lines = [
            #"{"cities":["busan"],"webhook":"http://127.0.0.1:9/a","format":"generic"}"#,
            #"{"cities":["busan"],"email":"a@example.org"}"#,
        ]
        try client.send(ControlMethods.subscribeBulkStage, SubscribeBulkStageParams(lines: lines), id: 1)
        let staged = try client.readReply().decodeResult(as: SubscribeBulkStageResult.self)
        #expect(staged.secrets == nil)
        try client.send(ControlMethods.subscribeBulkProgress, SubscribeBulkProgressParams(batch: staged.batch), id: 2)
        let progress = try client.readReply().decodeResult(as: SubscribeBulkProgressResult.self)
        #expect(progress.state == .staged && progress.staged == 2 && progress.imported == 0)
        try client.send(ControlMethods.subscribeBulkCommit, SubscribeBulkCommitParams(batch: staged.batch), id: 3)
        let committed = try client.readReply().decodeResult(as: SubscribeBulkResult.self)
        #expect(committed.imported == 2)
        #expect(committed.created.count == 1)
        let created = try #require(committed.created.first)
        #expect(created.line == 1)
        #expect(try storedSecret(daemon, created.id) == created.secret)
        try client.send(ControlMethods.subscribeBulkProgress, SubscribeBulkProgressParams(batch: staged.batch), id: 4)
        #expect(try client.readReply().error?.code == .notFound, "a committed batch is gone")
    }

    @Test func aBatchOfMoreGeneratedSecretsThanOneReplyHoldsIsRefusedBeforeAnythingIsStored() async throws {
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        let client = try RawControlClient(path: daemon.socketPath)
        let chunk = 700
        var batch: String?
        var refused: ControlError?
        for start in stride(from: 0, to: BulkImportLimits.secretsInOneReply + chunk, by: chunk) {
            let lines = (start..<start + chunk).map {
                #"{"cities":["busan"],"webhook":"http://127.0.0.1:9/\#($0)","format":"generic"}"#
            }
            try client.send(
                ControlMethods.subscribeBulkStage,
                SubscribeBulkStageParams(batch: batch, firstLine: start + 1, lines: lines), id: 1)
            let reply = try client.readReply()
            if let error = reply.error {
                refused = error
                break
            }
            batch = try reply.decodeResult(as: SubscribeBulkStageResult.self).batch
        }
        let error = try #require(refused)
        #expect(error.code == .invalidInput && error.field == "generated_secrets")
        try client.send(
            ControlMethods.subscribeBulkCommit, SubscribeBulkCommitParams(batch: try #require(batch)), id: 2)
        #expect(try client.readReply().error?.code == .notFound, "the refused batch is dropped")
        #expect(try active(daemon) == 0)
    }

    @Test func withoutATerminalTheImportPrintsNothingButItsResult() async throws {
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        let file = try writeImport(daemon, count: 3000, generic: 1000)
        let secrets = daemon.directory + "/secrets.jsonl"
        let socket = daemon.socketPath
        let run = try await offPool {
            try runCtlBinary(["subscribe", "--from", file, "--secrets-file", secrets, "--socket", socket])
        }
        #expect(run.status == 0, "\(run.error)")
        #expect(run.output == "imported 3000 subscriptions from \(file); 0 rejected\n")
        #expect(run.error == "3 generated signing secrets written to \(secrets)\n")
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "needs script(1)"))
    func onATerminalTheImportShowsItsProgressOnOneLineThatItClearsAtTheEnd() async throws {
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        let file = try writeImport(daemon, count: 3000, generic: 1000)
        let secrets = daemon.directory + "/secrets.jsonl"
        let command = [
            ConcertCtlPermissionTests.binary, "subscribe", "--from", file, "--secrets-file", secrets, "--socket",
            daemon.socketPath,
        ].joined(separator: " ")
        // script(1) runs the command on a pseudo-terminal and copies what it prints to standard output.
        let run = try await offPool {
            try runCtlBinary(["-q", "-e", "-c", command, "/dev/null"], executable: "/usr/bin/script")
        }
        #expect(run.status == 0, "\(run.error)")
        #expect(run.output.contains("\rchecked 0 of 3,000 lines (0%)\u{1B}[K"), "\(run.output.debugDescription)")
        #expect(run.output.contains("checked 3,000 of 3,000 lines (100%)"))
        #expect(run.output.contains("\r\u{1B}[Kimported 3000 subscriptions from \(file); 0 rejected"))
    }

    @Test func secretsTheFileCannotTakeAfterTheImportArePrintedRatherThanLost() async throws {
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        let file = try writeImport(daemon, count: 4, generic: 2)
        let secrets = daemon.directory + "/secrets.jsonl"
        // No byte may be written to any file (SIGXFSZ ignored, so write(2) fails with EFBIG).
        let command = [ConcertCtlPermissionTests.binary, "subscribe", "--from", file, "--secrets-file", secrets]
            .joined(separator: " ")
        let socket = daemon.socketPath
        let run = try await offPool {
            try runCtlBinary(
                ["-c", "trap '' XFSZ; ulimit -f 0; exec \(command) --socket \(socket)"], executable: "/bin/sh")
        }
        #expect(run.status == 74, "\(run.error)")
        #expect(run.error.contains("the generated secrets are printed above instead"))
        let printed = run.output.split(separator: "\n").filter { $0.contains("secret: whsec_") }
        #expect(printed.count == 2)
        #expect(try active(daemon) == 4)
        for line in printed {
            let parts = line.split(separator: " ")
            #expect(try storedSecret(daemon, String(parts[2])) == String(parts[4]))
        }
    }
}
