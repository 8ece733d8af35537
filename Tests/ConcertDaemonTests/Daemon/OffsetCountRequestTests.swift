import ConcertCore
import ConcertProtocol
import Foundation
import Testing

@testable import ConcertDaemon

/// More reminders per concert than a subscription may have are refused over the socket: by
/// `subscribe` with `invalid_params` naming the limit, by an import line for line.
@Suite(.timeLimit(.minutes(2))) struct OffsetCountRequestTests {
    static func offsets(_ count: Int) -> [String] { (1...count).map { "\($0)s" } }

    @Test func subscribeWithMoreThanTenOffsetsIsInvalidParamsNamingTheLimit() async throws {
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        let client = try RawControlClient(path: daemon.socketPath)
        // 11 items, and one item listing 8,499 (a 47 KB line, as the reviewer sent).
        for (id, before) in [(Int64(1), Self.offsets(11)), (Int64(2), [Self.offsets(8499).joined(separator: ",")])] {
            try client.send(
                ControlMethods.subscribe, SubscribeParams(cities: ["busan"], email: "a@example.org", before: before),
                id: id)
            guard case .failure(let error) = try client.readReply().outcome else {
                throw TestClientError(description: "\(before.count) items accepted")
            }
            #expect(error.code == .invalidParams)
            #expect(error.field == "before")
            #expect(error.message.contains("at most 10 reminders per concert"), "\(error.message)")
        }
        try client.send(
            ControlMethods.subscribe,
            SubscribeParams(cities: ["busan"], email: "a@example.org", before: Self.offsets(10)), id: 3)
        guard case .success = try client.readReply().outcome else {
            throw TestClientError(description: "10 offsets refused")
        }
        #expect(try daemon.daemon.database.subscriptions().count == 1)
    }

    @Test func anImportLineWithMoreThanTenOffsetsIsRejectedNamingTheLimit() async throws {
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        let file = daemon.directory + "/import.jsonl"
        let many = Self.offsets(11).map { "\"\($0)\"" }.joined(separator: ",")
        try [
            #"{"cities":["busan"],"email":"a@example.org","before":[\#(many)]}"#,
            #"{"cities":["busan"],"email":"b@example.org","before":["7d","1d"]}"#,
        ].joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let run = await runCtl(["subscribe", "--from", file, "--json", "--socket", daemon.socketPath])
        let reply = try #require(try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any])
        #expect(reply["imported"] as? Int == 1)
        let rejected = try #require(reply["rejected"] as? [[String: Any]])
        #expect(rejected.count == 1)
        #expect(rejected.first?["line"] as? Int == 1)
        #expect(
            (rejected.first?["reason"] as? String)?.contains("at most 10 reminders per concert") == true, "\(rejected)")
    }
}
