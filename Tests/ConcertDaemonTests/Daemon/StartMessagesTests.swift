import ConcertCore
import Foundation
import Logging
import Testing

@testable import ConcertDaemon

/// What the daemon says at start about the parts of its configuration that are off.
@Suite(.serialized, .timeLimit(.minutes(1))) struct StartMessagesTests {
    @Test func withoutSMTPTheStartLogSaysEmailSubscriptionsAreRefusedAndOldRemindersHeld() async throws {
        let captured = CapturedLines()
        let sink = captured.sink
        let logger = Logger(label: "concertd") {
            DaemonLogHandler(label: $0, environment: [:], metadataProvider: nil, write: sink)
        }
        let configuration = DaemonConfiguration()
        let transport = try ChannelFactory.transport(for: configuration)
        defer { transport.stop(timeout: .seconds(1)) }
        let channels = ChannelFactory.channels(
            for: configuration, renderer: MessageRenderer(), transport: transport, logger: logger)
        #expect(channels["email"] == nil)
        let line = try #require(captured.all.first { $0.contains("smtp_url") })
        #expect(line.contains("email subscriptions are refused"), "\(line)")
        #expect(line.contains("held") && line.contains("status"), "\(line)")
        #expect(!line.contains("wait"), "\(line)")

        // What the line promises: the daemon refuses a new email subscription.
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        var options = TestDaemon.options(
            directory: daemon.directory + "/second", socketPath: daemon.directory + "/s2.sock",
            clockStart: "2019-10-20T00:00", config: nil, catalog: nil, environment: [:])
        options.overrides.smtpURL = nil
        options.overrides.mailFrom = nil
        try FileManager.default.createDirectory(atPath: daemon.directory + "/second", withIntermediateDirectories: true)
        let withoutSMTP = try Daemon.start(options, logger: .quiet)
        defer { withoutSMTP.stop() }
        let run = await runCtl([
            "subscribe", "busan", "--email", "a@example.org", "--socket", daemon.directory + "/s2.sock",
        ])
        #expect(run.status == 1)
        #expect(run.error.contains("no smtp_url"), "\(run.error)")
    }
}
