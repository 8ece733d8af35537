import ConcertProtocol
import ConcertShared
import Foundation
import Testing

@testable import concertctl

/// Labels, titles, import lines and the daemon's messages that carry terminal escapes and other
/// control characters: concertctl's text output shows them escaped, `--json` keeps them as sent.
@Suite(.serialized, .timeLimit(.minutes(1))) struct ControlCtlEscapingTests {
    /// ESC sequences (colour, clear screen, window title), C1 CSI, DEL, a carriage return and a
    /// line separator that could fake a line, and a right-to-left override.
    static let hostile = "\u{1B}[31mred\u{1B}[2J\u{1B}]0;owned\u{07}\u{9B}1m\u{7F}\rfake\u{2028}\u{202E}txt.exe"
    static let shown = #"\u{1B}[31mred\u{1B}[2J\u{1B}]0;owned\u{07}\u{9B}1m\u{7F}\u{0D}fake\u{2028}\u{202E}txt.exe"#

    func ctl(_ daemon: TestDaemon, _ arguments: String...) async -> CtlRun {
        await runCtl(arguments + ["--socket", daemon.socketPath])
    }

    /// Whether `text` holds a character a terminal would act on or reorder a line by.
    func hasRawControls(_ text: String) -> Bool {
        text.unicodeScalars.contains { scalar in
            (scalar.value < 0x20 && scalar != "\n") || (0x7F...0x9F).contains(scalar.value)
                || [0x2028, 0x202E].contains(scalar.value)
        }
    }

    @Test func aLabelIsShownEscapedInTablesAndKeptAsItIsInJSON() async throws {
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        let subscribed = await ctl(daemon, "subscribe", "busan", "--email", "a@example.org", "--label", Self.hostile)
        #expect(subscribed.status == 0, "\(subscribed.error)")
        let table = await ctl(daemon, "subscriptions")
        #expect(!hasRawControls(table.output + table.error), "\(table.output.debugDescription)")
        #expect(table.output.contains(Self.shown))
        let json = await ctl(daemon, "subscriptions", "--json")
        let document = try JSONDecoder().decode(SubscriptionsResult.self, from: Data(json.output.utf8))
        #expect(document.subscriptions.first?.label == Self.hostile)
    }

    @Test func aConcertTitleIsShownEscaped() async throws {
        let daemon = try TestDaemon(clockStart: "2019-11-01T00:00")
        defer { daemon.remove() }
        // Control characters and bidi controls are refused in a title; other format characters
        // (a zero-width space) are allowed, and shown escaped.
        for hostile in [Self.hostile, "red\u{202E}txt.exe"] {
            let refused = await ctl(
                daemon, "concert", "add", "--city", "busan", "--title", hostile, "--start", "2019-12-20T14:00")
            #expect(refused.status == 1, "\(refused.output)")
            #expect(!hasRawControls(refused.error), "\(refused.error.debugDescription)")
        }
        let title = "red\u{200B}txt.exe"
        let added = await ctl(
            daemon, "concert", "add", "--city", "busan", "--title", title, "--start", "2019-12-20T14:00")
        #expect(added.status == 0, "\(added.error)")
        let run = await ctl(daemon, "concerts", "--city", "busan")
        #expect(!hasRawControls(run.output), "\(run.output.debugDescription)")
        #expect(run.output.contains(#"red\u{200B}txt.exe"#), "\(run.output)")
    }

    @Test func theDaemonsErrorMessageIsShownEscapedOnStandardError() async throws {
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        let city = await ctl(daemon, "subscribe", "\u{1B}[2Jatlantis", "--email", "a@example.org")
        #expect(city.status == 1)
        #expect(city.error.contains(#"unknown city '\u{1B}[2Jatlantis'"#), "\(city.error.debugDescription)")
        #expect(!hasRawControls(city.error))
        let pause = await ctl(daemon, "pause", "sub-" + Self.hostile)
        #expect(pause.status == 1)
        #expect(pause.error.contains(Self.shown), "\(pause.error.debugDescription)")
        #expect(!hasRawControls(pause.error))
    }

    @Test func importLinesAndTheirRejectionsAreShownEscaped() async throws {
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        let file = daemon.directory + "/import.jsonl"
        let lines = [
            #"{"cities":["busan"],"email":"a@example.org","label":"\u001b[31mred\u202e"}"#,
            #"{"cities":["\u001b]0;title\u0007atlantis"],"email":"b@example.org"}"#,
        ]
        try lines.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let run = await ctl(daemon, "subscribe", "--from", file)
        #expect(run.status == 1)
        #expect(run.output.contains(#"line 2: rejected: unknown city '\u{1B}]0;title\u{07}atlantis'"#))
        #expect(!hasRawControls(run.output + run.error), "\(run.output.debugDescription)")
        let listed = await ctl(daemon, "subscriptions")
        #expect(listed.output.contains(#"\u{1B}[31mred\u{202E}"#))
    }

    @Test func theBuiltBinaryEscapesTheDaemonsMessagesAndItsOwnUsageErrors() async throws {
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        let socket = daemon.socketPath
        let refused = try await offPool { try runCtlBinary(["pause", "sub-" + Self.hostile, "--socket", socket]) }
        #expect(refused.status == 1)
        #expect(refused.error.contains(Self.shown), "\(refused.error.debugDescription)")
        #expect(!hasRawControls(refused.error))
        let usage = try await offPool {
            try runCtlBinary(["subscribe", "busan", "--email", "\u{1B}[31m@x", "--socket", socket])
        }
        #expect(usage.status == 64)
        #expect(usage.error.contains(#"\u{1B}[31m@x"#), "\(usage.error.debugDescription)")
        #expect(!hasRawControls(usage.error))
    }
}
@Suite struct TerminalEscapingTests {
    @Test(arguments: [
        ("plain 부산 text", "plain 부산 text"),
        ("tab\there", #"tab\u{09}here"#),
        ("nul\u{0}", #"nul\u{00}"#),
        ("del\u{7F}", #"del\u{7F}"#),
        ("c1\u{85}\u{9B}", #"c1\u{85}\u{9B}"#),
        ("bidi\u{202E}\u{2066}\u{200F}", #"bidi\u{202E}\u{2066}\u{200F}"#),
        ("zero\u{200B}width\u{FEFF}", #"zero\u{200B}width\u{FEFF}"#),
        ("tag\u{E0041}", #"tag\u{E0041}"#),
        ("unassigned\u{0378}", #"unassigned\u{378}"#),
        ("é combining e\u{301}", "é combining e\u{301}"),
    ])
    func valuesAreEscapedCharacterByCharacter(raw: String, shown: String) {
        #expect(TerminalEscaping.escaped(raw) == shown)
    }

    @Test func interpolatedValuesAreEscapedAndTheLiteralAroundThemIsKept() {
        let label = "a\nb\u{1B}"
        let text: HumanText = "line 1\n\(label) \(3)"
        #expect(text.text == #"line 1"# + "\n" + #"a\u{0A}b\u{1B} 3"#)
        let body: HumanText = "\(lines: "first\nsecond\r\u{1B}")"
        #expect(body.text == "first\nsecond" + #"\u{0D}\u{1B}"#)
    }
}
