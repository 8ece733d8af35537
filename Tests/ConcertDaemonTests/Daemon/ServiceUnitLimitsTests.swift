import Foundation
import Logging
import Testing

@testable import ConcertCore
@testable import ConcertDaemon

/// The unit's limits against what the daemon may need: descriptors for the largest configuration
/// the key table allows, and a stop that takes as long as `shutdown_grace`.
@Suite(.serialized, .timeLimit(.minutes(1))) struct ServiceUnitLimitsTests {
    static let unit = TestDaemon.repositoryRoot.appendingPathComponent("systemd/concertd.service").path

    /// A configuration with every bounded key at the greatest value the key table accepts.
    static func largestConfiguration() throws -> DaemonConfiguration {
        var configuration = DaemonConfiguration()
        for key in DaemonConfiguration.keys {
            guard let range = key.range else { continue }
            try key.assign(range.upper, &configuration)
        }
        return configuration
    }

    /// The value of `name=` in the unit's [Service] section.
    static func setting(_ name: String) throws -> String? {
        try String(contentsOfFile: unit, encoding: .utf8).split(separator: "\n")
            .first { $0.hasPrefix("\(name)=") }.map { String($0.dropFirst(name.count + 1)) }
    }

    @Test func limitNOFILECoversTheLargestConfigurationAndItsCommentSaysHowMuchThatIs() throws {
        let needed = DescriptorBudget.needed(for: try Self.largestConfiguration())
        let limit = try #require(try Self.setting("LimitNOFILE").flatMap { Int($0) })
        #expect(limit >= needed)
        let stated = "\(needed / 1000),\(String(needed % 1000).leftPadded(to: 3))"
        let text = try String(contentsOfFile: Self.unit, encoding: .utf8)
        #expect(text.contains("the rest: \(stated) at most."), "the unit's comment should say \(stated)")
    }

    @Test func aDescriptorLimitBelowTheConfigurationsNeedIsWarnedAboutAtStart() throws {
        let captured = CapturedLines()
        let logger = Logger(label: "concertd") {
            DaemonLogHandler(label: $0, environment: [:], metadataProvider: nil, write: captured.sink)
        }
        var configuration = DaemonConfiguration()
        configuration.maxInFlight = 1000
        DescriptorBudget.warnIfShort(configuration, limit: 1024, logger: logger)
        let line = try #require(captured.all.first)
        #expect(line.contains("warning") && line.contains("LimitNOFILE") && line.contains("descriptors.limit=1024"))
        #expect(line.contains("descriptors.needed=\(DescriptorBudget.needed(for: configuration))"))

        DescriptorBudget.warnIfShort(DaemonConfiguration(), limit: 131_072, logger: logger)
        #expect(captured.all.count == 1, "nothing to say when the limit suffices")
        #expect(DescriptorBudget.currentLimit() ?? 0 > 0)
    }

    @Test func stoppingExtendsTheUnitsStopTimeoutPastTheGrace() throws {
        let receiver = try DatagramReceiver()
        let daemon = try TestDaemon(
            config: "shutdown_grace = 1h\n", environment: ["NOTIFY_SOCKET": receiver.notifySocket])
        defer { daemon.socket.remove() }
        #expect(receiver.receive()?.hasPrefix("READY=1") == true)
        daemon.stop()
        var stopping: String?
        while let message = receiver.receive(), stopping == nil {
            if message.hasPrefix("STOPPING=1") { stopping = message }
        }
        let lines = try #require(stopping).split(separator: "\n")
        #expect(lines.contains("EXTEND_TIMEOUT_USEC=3615000000"), "1 h of grace and 15 s for the rest")
        let timeout = try #require(try Self.setting("TimeoutStopSec"))
        #expect(timeout == "30s", "the unit's own timeout stays short for a daemon that hangs: \(timeout)")
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
