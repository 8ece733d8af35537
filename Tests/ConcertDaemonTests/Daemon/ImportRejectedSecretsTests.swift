import ConcertCore
import ConcertProtocol
import Foundation
import Testing

@testable import ConcertDaemon

/// The secrets file of `subscribe --from` holds the secrets of created subscriptions only: a
/// line the commit rejects (it repeats a line of another chunk) leaves no entry behind.
@Suite(.timeLimit(.minutes(2))) struct ImportRejectedSecretsTests {
    struct Entry: Decodable {
        var line: Int
        var id: String
        var secret: String
    }

    @Test func aLineTheCommitRejectsHasNoSecretInTheFile() async throws {
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        let file = daemon.directory + "/import.jsonl"
        var lines = (1...1500).map {
            #"{"cities":["busan"],"webhook":"http://127.0.0.1:9/hook/\#($0)","format":"generic"}"#
        }
        lines.append(lines[0])  // staged in another chunk than line 1: only the commit sees the repeat
        try lines.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let secretsPath = daemon.directory + "/secrets.jsonl"

        let run = await runCtl([
            "subscribe", "--from", file, "--secrets-file", secretsPath, "--socket", daemon.socketPath,
        ])

        #expect(run.output.contains("imported 1500 subscriptions"), "\(run.output)")
        #expect(run.output.contains("line 1501: rejected"), "\(run.output)")
        #expect((run.output + run.error).contains("1500 generated signing secrets written"), "\(run.error)")
        let entries = try String(contentsOfFile: secretsPath, encoding: .utf8).split(separator: "\n").map {
            try JSONDecoder().decode(Entry.self, from: Data($0.utf8))
        }
        #expect(entries.count == 1500)
        #expect(!entries.contains { $0.line == 1501 })
        for entry in entries.prefix(20) + entries.suffix(20) {
            #expect(try daemon.daemon.database.subscription(id: entry.id) != nil, "\(entry.id) does not exist")
        }
        let mode = try (FileManager.default.attributesOfItem(atPath: secretsPath)[.posixPermissions] as? NSNumber)
        #expect(mode?.intValue == 0o600)
    }
}
