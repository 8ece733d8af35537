import Foundation
import Testing

@testable import concertctl

/// The exit statuses `--help` and the man page give for files: 66 when an input file cannot be
/// read (whatever the reason), 73 when an output file cannot be created, with a message naming
/// the file and the reason.
@Suite(.timeLimit(.minutes(1)))
struct ConcertCtlFileExitTests {
    static let unreachable = ["--socket", "/nonexistent/c.sock"]

    @Test func aMissingImportFileExits66NamingItAndTheReason() async {
        let run = await runCtl(["subscribe", "--from", "/nonexistent/file.jsonl"] + Self.unreachable)
        #expect(run.status == 66, "\(run.error)")
        #expect(run.error.contains("cannot read --from file /nonexistent/file.jsonl: No such file or directory"))
    }

    @Test func aDirectoryAsImportFileExits66SayingItIsADirectory() async {
        let folder = TemporarySocket()
        defer { folder.remove() }
        let run = await runCtl(["subscribe", "--from", folder.directory] + Self.unreachable)
        #expect(run.status == 66, "\(run.error)")
        #expect(run.error.contains("cannot read --from file \(folder.directory): it is a directory"))
    }

    @Test func anImportFileThatIsNotUTF8Exits66NamingTheLineAndByte() async throws {
        let folder = TemporarySocket()
        defer { folder.remove() }
        let file = folder.directory + "/latin1.jsonl"
        var bytes = Data(#"{"cities":["busan"],"email":"a@example.org"}"#.utf8 + [0x0A])
        bytes.append(contentsOf: Array(#"{"cities":["busan"],"label":"caf"#.utf8) + [0xE9, 0x22, 0x7D, 0x0A])
        try bytes.write(to: URL(fileURLWithPath: file))
        let run = await runCtl(["subscribe", "--from", file] + Self.unreachable)
        #expect(run.status == 66, "\(run.error)")
        #expect(
            run.error.contains("it is not UTF-8 text: line 2 has a byte 0xE9 (byte 78 of the file)"), "\(run.error)")
    }

    @Test func theBuiltBinaryExits66ForAMissingImportFile() async throws {
        let run = try await offPool {
            try runCtlBinary(["subscribe", "--from", "/nonexistent/file.jsonl"] + Self.unreachable)
        }
        #expect(run.status == 66, "\(run.error)")
        #expect(run.error.contains("No such file or directory"))
    }

    @Test(.enabled(if: ConcertCtlPermissionTests.othersCanRunBinary, "needs root and a checkout user nobody can enter"))
    func anImportFileThatMayNotBeReadExits66SayingPermissionDenied() async throws {
        let folder = TemporarySocket()
        defer { folder.remove() }
        chmod(folder.directory, 0o755)
        let file = folder.directory + "/secret.jsonl"
        try #"{"cities":["busan"],"email":"a@example.org"}"#.write(toFile: file, atomically: false, encoding: .utf8)
        chmod(file, 0o600)
        let executable = ConcertCtlPermissionTests.binary
        let run = try await offPool {
            try runCtlBinary(
                ["--reuid=65534", "--regid=65534", "--clear-groups", executable, "subscribe", "--from", file]
                    + Self.unreachable,
                executable: "/usr/bin/setpriv")
        }
        #expect(run.status == 66, "\(run.error)")
        #expect(run.error.contains("cannot read --from file \(file): Permission denied"))
    }

    @Test func aSecretsFileThatExistsExits73BeforeAnythingIsSent() async throws {
        let folder = TemporarySocket()
        defer { folder.remove() }
        let file = folder.directory + "/import.jsonl"
        try #"{"cities":["busan"],"webhook":"http://127.0.0.1:9/x","format":"generic"}"#.write(
            toFile: file, atomically: false, encoding: .utf8)
        for secrets in [file, folder.directory, folder.directory + "/missing/s.jsonl"] {
            let run = await runCtl(["subscribe", "--from", file, "--secrets-file", secrets] + Self.unreachable)
            #expect(run.status == 73, "\(secrets): \(run.error)")
            #expect(run.error.contains("cannot create --secrets-file \(secrets)"))
        }
    }

    @Test func aBackupThatCannotBeCreatedExits73() async throws {
        let folder = TemporarySocket()
        defer { folder.remove() }
        for target in [folder.directory, folder.directory + "/missing/copy.sqlite3"] {
            let run = await runCtl(["backup", target] + Self.unreachable)
            #expect(run.status == 73, "\(target): \(run.error)")
            #expect(run.error.contains("cannot write the backup to \(target)"))
        }
    }
}
