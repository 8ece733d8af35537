import ConcertCore
import ConcertProtocol
import Foundation
import Testing

@testable import ConcertDaemon

/// Through concertctl and the daemon: a webhook subscribed again in another spelling is the
/// same subscription, refused as `conflict`, and an import counts it as a repeat.
@Suite(.timeLimit(.minutes(2))) struct WebhookSpellingConflictTests {
    func ctl(_ daemon: TestDaemon, _ arguments: String...) async -> CtlRun {
        await runCtl(arguments + ["--socket", daemon.socketPath])
    }

    @Test func aSecondSpellingIsAConflictAndAnImportRejectsIt() async throws {
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        let first = await ctl(
            daemon, "subscribe", "busan", "--webhook", "http://127.0.0.1:9/dup/T0/B0/TOK", "--format", "slack",
            "--quiet")
        #expect(first.status == 0, "\(first.error)")
        for twin in ["HTTP://127.0.0.1:9/dup/T0/B0/TOK", "http://127.0.0.1:9/dup/T0/B0/TOK#x"] {
            let again = await ctl(daemon, "subscribe", "busan", "--webhook", twin, "--format", "slack", "--quiet")
            #expect(again.status == 1)
            #expect(again.error.contains("already has the same subscription"), "\(again.error)")
        }
        let file = daemon.directory + "/import.jsonl"
        try #"{"cities":["busan"],"webhook":"http://127.0.0.1:09/dup/T0/B0/%54OK","format":"slack"}"#
            .write(toFile: file, atomically: true, encoding: .utf8)
        let imported = await ctl(daemon, "subscribe", "--from", file)
        #expect(imported.output.contains("imported 0 subscriptions"), "\(imported.output) \(imported.error)")
        #expect(imported.output.contains("line 1: rejected: this channel already has the same subscription"))
        #expect(try daemon.daemon.database.subscriptions().count == 1)
    }
}
