import ConcertCore
import Foundation
import Logging
import Testing

@testable import ConcertDaemon

/// Lines written by a handler under test.
final class CapturedLines: @unchecked Sendable {
    // @unchecked: `lines` is only touched while holding `lock`.
    private let lock = NSLock()
    private var lines: [String] = []

    var all: [String] { lock.withLock { lines } }

    var sink: @Sendable (String) -> Void {
        { line in self.lock.withLock { self.lines.append(line) } }
    }
}

@Suite(.timeLimit(.minutes(1)))
struct DaemonLogHandlerTests {
    @Test func anEventIsOneLineWithSortedMetadataAndNoColour() throws {
        let captured = CapturedLines()
        var logger = Logger(label: "concertd") {
            DaemonLogHandler(label: $0, environment: [:], metadataProvider: nil, write: captured.sink)
        }
        logger[metadataKey: "subscription.id"] = "sub-k3m9q2xw7d"
        logger.warning(
            "send failed\nwill retry", metadata: ["delivery.id": "d-42", "error": "HTTP 503 \"busy\"", "attempt": "2"])
        let line = try #require(captured.all.first)
        #expect(captured.all.count == 1)
        #expect(line.hasSuffix("\n") && line.dropLast().contains("\n") == false)
        let text = line.drop { $0 != " " }.dropFirst()  // after the timestamp
        #expect(
            text
                == "warning concertd: send failed\\nwill retry attempt=2 delivery.id=d-42 error=\"HTTP 503 \\\"busy\\\"\" subscription.id=sub-k3m9q2xw7d\n"
        )
        #expect(line.wholeMatch(of: #/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z .*\n/#) != nil)
        #expect(!line.contains("\u{1B}["))
    }

    @Test func c1ControlsAndBidiOverridesAreEscapedLikeConcertctlShowsThem() throws {
        let captured = CapturedLines()
        let logger = Logger(label: "concertd") {
            DaemonLogHandler(label: $0, environment: [:], metadataProvider: nil, write: captured.sink)
        }
        logger.error("unknown city 'x\u{9B}2J\u{202E}txt\u{2028}'", metadata: ["city": "\u{85}a\u{1B}"])
        let line = try #require(captured.all.first)
        #expect(!line.unicodeScalars.contains { [0x9B, 0x202E, 0x2028, 0x85, 0x1B].contains($0.value) }, "\(line)")
        #expect(line.contains(#"x\u{9B}2J\u{202E}txt\u{2028}"#), "\(line)")
        #expect(line.contains(#"\u{85}a\x1b"#), "\(line)")
    }

    @Test(arguments: [
        (0.0, "1970-01-01T00:00:00.000Z"),
        (1_571_616_000.1239, "2019-10-21T00:00:00.123Z"),
        (1_572_318_059.9999, "2019-10-29T03:00:59.999Z"),
        (951_782_400.05, "2000-02-29T00:00:00.050Z"),
        (-0.5, "1969-12-31T23:59:59.500Z"),
        (253_402_300_799.5, "9999-12-31T23:59:59.500Z"),
    ])
    func theTimestampIsUTCToTheMillisecondRoundedDown(seconds: Double, expected: String) {
        #expect(DaemonLogHandler.utcTimestamp(Date(timeIntervalSince1970: seconds)) == expected)
    }

    @Test func forTheJournalThePriorityIsPrefixedAndTheTimestampLeftOut() {
        let line = DaemonLogHandler.format(
            level: .error, label: "concertd", message: "cannot open the database", metadata: ["path": "/var/lib/x"],
            timestamp: nil, journal: true, redactor: SecretRedactor())
        #expect(line == "<3>error concertd: cannot open the database path=/var/lib/x")
        #expect(DaemonLogHandler.syslogPriority(.trace) == 7)
        #expect(DaemonLogHandler.syslogPriority(.critical) == 2)
    }

    @Test func journalIsDetectedOnlyWhenJournalStreamNamesStandardError() {
        #expect(!DaemonLogHandler.stderrIsJournal(environment: [:]))
        #expect(!DaemonLogHandler.stderrIsJournal(environment: ["JOURNAL_STREAM": "1:2"]))
        var status = stat()
        fstat(STDERR_FILENO, &status)
        #expect(DaemonLogHandler.stderrIsJournal(environment: ["JOURNAL_STREAM": "\(status.st_dev):\(status.st_ino)"]))
    }

    @Test func secretsInMessagesAndMetadataAreMasked() {
        let captured = CapturedLines()
        let settings = LogSettings()
        let logger = Logger(label: "concertd") {
            DaemonLogHandler(
                label: $0, settings: settings, environment: [:], metadataProvider: nil, write: captured.sink)
        }
        settings.redactor = SecretRedactor(knownSecrets: ["hunter2-smtp"])
        logger.error(
            "AUTH failed with hunter2-smtp",
            metadata: ["url": "https://hooks.slack.com/services/T0AAAA/B0BBBB/XXXXXXXXXXXXXXXXXXXX"])
        let line = captured.all.joined()
        #expect(line.contains("AUTH failed with <redacted>"))
        #expect(line.contains("url=https://hooks.slack.com/services/***"))
        #expect(!line.contains("hunter2-smtp") && !line.contains("XXXXXXXXXXXXXXXXXXXX"))
    }

    @Test func aReloadedLogLevelAppliesToLoggersAlreadyMade() {
        let captured = CapturedLines()
        let settings = LogSettings(level: .info)
        let logger = Logger(label: "concertd") {
            DaemonLogHandler(
                label: $0, settings: settings, environment: [:], metadataProvider: nil, write: captured.sink)
        }
        logger.debug("hidden at info")
        var configuration = DaemonConfiguration()
        configuration.logLevel = .debug
        settings.apply(configuration)
        logger.debug("shown at debug")
        var quiet = logger
        quiet.logLevel = .error  // a level set on one logger is its own
        quiet.warning("hidden for this logger")
        #expect(captured.all.count == 1)
        #expect(captured.all.first?.contains("shown at debug") == true)
    }
}
