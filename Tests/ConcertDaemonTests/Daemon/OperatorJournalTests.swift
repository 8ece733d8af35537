import ConcertCore
import Foundation
import Logging
import Testing

@testable import ConcertDaemon

/// What an operator's actions write to the journal: one line each, at `notice`, naming who
/// (the peer's uid and pid) and what (ids), never a secret or an address.
@Suite(.serialized, .timeLimit(.minutes(1))) struct OperatorJournalTests {
    /// A daemon whose log lines are captured.
    final class LoggedDaemon {
        let captured = CapturedLines()
        let daemon: TestDaemon

        init(catalog: String? = nil, config: String? = nil) throws {
            let settings = LogSettings()
            let sink = captured.sink
            let logger = Logger(label: "concertd") {
                DaemonLogHandler(label: $0, settings: settings, environment: [:], metadataProvider: nil, write: sink)
            }
            daemon = try TestDaemon(config: config, catalog: catalog, logSettings: settings, logger: logger)
        }

        func ctl(_ arguments: String...) async -> CtlRun {
            await runCtl(arguments + ["--socket", daemon.socketPath])
        }

        /// Runs `arguments` and returns the lines logged meanwhile.
        func linesOf(_ arguments: String...) async -> (run: CtlRun, lines: [String]) {
            let before = captured.all.count
            let run = await runCtl(arguments + ["--socket", daemon.socketPath])
            return (run, Array(captured.all.dropFirst(before)))
        }
    }

    let peer = "peer.pid=\(getpid()) peer.uid=\(getuid())"

    /// The one line logged at `notice` with `message`, checked to name the peer and carry `metadata`.
    func oneNotice(_ lines: [String], _ message: String, _ metadata: [String]) throws -> String {
        let matching = lines.filter { $0.contains(" concertd: \(message) ") || $0.hasSuffix(" concertd: \(message)\n") }
        #expect(matching.count == 1, "\(message): \(lines)")
        let line = try #require(matching.first)
        #expect(line.contains(" notice concertd: "), "\(line)")
        #expect(line.contains("peer.pid=\(getpid())") && line.contains("peer.uid=\(getuid())"), "\(line)")
        for item in metadata { #expect(line.contains(item), "\(item) in \(line)") }
        return line
    }

    @Test func eachSubscriptionActionIsOneLineWithTheActorAndNoSecret() async throws {
        let logged = try LoggedDaemon()
        defer { logged.daemon.remove() }
        let token = "SECRETTOKEN0123456789AB"
        let subscribe = await logged.linesOf(
            "subscribe", "busan", "--webhook", "https://hooks.slack.com/services/T0AAAA/B0BBBB/\(token)", "--quiet",
            "--json")
        let reply = try #require(
            JSONSerialization.jsonObject(with: Data(subscribe.run.output.utf8)) as? [String: Any])
        let id = try #require(reply["id"] as? String)
        _ = try oneNotice(subscribe.lines, "subscribed", ["subscription.id=\(id)", "cities=busan", "channel=webhook"])

        let generic = await logged.linesOf(
            "subscribe", "daegu", "--webhook", "https://hooks.example.org/x", "--format", "generic", "--quiet",
            "--json")
        let secret = try #require(
            (JSONSerialization.jsonObject(with: Data(generic.run.output.utf8)) as? [String: Any])?["secret"] as? String)
        let email = await logged.linesOf("subscribe", "daegu", "--email", "someone@example.org", "--quiet")
        _ = try oneNotice(email.lines, "subscribed", ["channel=email"])

        _ = try oneNotice(await logged.linesOf("pause", id).lines, "subscription paused", ["subscription.id=\(id)"])
        _ = try oneNotice(
            await logged.linesOf("resume", id).lines, "subscription resumed", ["subscription.id=\(id)", "scheduled="])
        _ = try oneNotice(
            await logged.linesOf("unsubscribe", id).lines, "unsubscribed", ["subscription.id=\(id)", "skipped="])

        let file = logged.daemon.directory + "/import.jsonl"
        try #"{"cities":["busan"],"email":"bulk@example.org"}"#.write(toFile: file, atomically: true, encoding: .utf8)
        _ = try oneNotice(
            await logged.linesOf("subscribe", "--from", file).lines, "subscriptions imported", ["count=1"])

        let all = logged.captured.all.joined()
        for secretText in [token, secret, "someone@example.org", "bulk@example.org", "hooks.example.org/x"] {
            #expect(!all.contains(secretText), "\(secretText) is in the journal")
        }
    }

    @Test func eachConcertChangeAndReloadIsOneLineWithTheActor() async throws {
        let logged = try LoggedDaemon()
        defer { logged.daemon.remove() }
        _ = try oneNotice(
            await logged.linesOf("concert", "reschedule", "busan-2019", "--start", "2019-10-26T10:00").lines,
            "concert rescheduled", ["concert.id=busan-2019", "notices=0", "revision=2"])
        _ = try oneNotice(
            await logged.linesOf("concert", "reschedule", "busan-2019", "--start", "2019-10-26T10:00").lines,
            "concert unchanged", ["concert.id=busan-2019"])
        _ = try oneNotice(
            await logged.linesOf("concert", "reset", "busan-2019").lines, "concert reset to the catalog",
            ["concert.id=busan-2019"])
        _ = try oneNotice(
            await logged.linesOf("concert", "cancel", "busan-2019").lines, "concert cancelled",
            ["concert.id=busan-2019"])
        _ = try oneNotice(
            await logged.linesOf("concert", "add", "--city", "busan", "--title", "T", "--start", "2019-12-20T14:00")
                .lines, "concert added", ["concert.id=busan-2019-12-20", "notices=0"])
        _ = try oneNotice(await logged.linesOf("reload").lines, "configuration and catalog reloaded", [])
    }

    @Test func aReloadBySignalNamesTheSignalAndARejectedOneIsOneErrorLine() async throws {
        let directory = TemporarySocket()
        defer { directory.remove() }
        let catalog = directory.directory + "/concerts.json5"
        try String(contentsOfFile: TestDaemon.catalogPath, encoding: .utf8).write(
            toFile: catalog, atomically: true, encoding: .utf8)
        let logged = try LoggedDaemon(catalog: catalog)
        defer { logged.daemon.remove() }
        var before = logged.captured.all.count
        _ = try logged.daemon.daemon.reload(requestedBy: .signal("SIGHUP"))
        let reloaded = logged.captured.all.dropFirst(before).filter { $0.contains("reloaded") }
        #expect(reloaded.count == 1)
        #expect(reloaded.first?.contains("signal=SIGHUP") == true, "\(reloaded)")

        try "{ broken".write(toFile: catalog, atomically: true, encoding: .utf8)
        before = logged.captured.all.count
        let rejected = await logged.ctl("reload")
        #expect(rejected.status == 1)
        let lines = Array(logged.captured.all.dropFirst(before))
        #expect(lines.count == 1, "\(lines)")
        #expect(lines.first?.contains(" error concertd: reload rejected") == true, "\(lines)")
        #expect(lines.first?.contains(peer) == true, "\(lines)")
    }

    /// A reload that changes a key read at start only (a `web_*` key, `metrics_listen`) warns in the
    /// journal, one line per key, besides naming them in the reload's notice.
    @Test func aReloadChangingAKeyReadAtStartWarnsThatItNeedsARestart() async throws {
        let logged = try LoggedDaemon(config: "web_confirmations_per_client = 10\n")
        defer { logged.daemon.remove() }
        let file = try #require(logged.daemon.daemon.resolved.file)
        try "web_confirmations_per_client = 5\ncontrol_max_clients = 7\n".write(
            toFile: file, atomically: true, encoding: .utf8)
        let before = logged.captured.all.count
        let summary = try logged.daemon.daemon.reload(requestedBy: .signal("SIGHUP"))
        #expect(summary.restartNeeded.sorted() == ["control_max_clients", "web_confirmations_per_client"])
        let lines = Array(logged.captured.all.dropFirst(before))
        for key in ["web_confirmations_per_client", "control_max_clients"] {
            let warnings = lines.filter { $0.contains(" warning concertd: \(key) takes effect at the next start") }
            #expect(warnings.count == 1, "\(key): \(lines)")
            #expect(warnings.first?.contains("signal=SIGHUP") == true, "\(lines)")
        }
    }
}
