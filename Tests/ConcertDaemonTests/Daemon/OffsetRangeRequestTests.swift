import ConcertCore
import ConcertProtocol
import Foundation
import Testing

@testable import ConcertDaemon

/// Offsets up to 366 days are accepted over the socket in every unit, however many digits they
/// take (`31622400s` is `366d`), by `subscribe` and by import lines alike; one second more is not.
@Suite(.timeLimit(.minutes(2))) struct OffsetRangeRequestTests {
    static let yearEdges = ["31622400s", "527040m", "8784h", "366d", "1000001s"]

    @Test func subscribeAcceptsAYearInEveryUnitAndRefusesOneSecondMore() async throws {
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        let client = try RawControlClient(path: daemon.socketPath)
        for (index, before) in Self.yearEdges.enumerated() {
            try client.send(
                ControlMethods.subscribe,
                SubscribeParams(cities: ["busan"], email: "a\(index)@example.org", before: [before]),
                id: Int64(index + 1))
            guard case .success = try client.readReply().outcome else {
                throw TestClientError(description: "\(before) refused")
            }
        }
        try client.send(
            ControlMethods.subscribe, SubscribeParams(cities: ["busan"], email: "z@example.org", before: ["31622401s"]),
            id: 99)
        guard case .failure(let error) = try client.readReply().outcome else {
            throw TestClientError(description: "31622401s accepted")
        }
        #expect(error.field == "before")
        #expect(error.message.contains("from 1s to 366d"), "\(error.message)")
        #expect(try daemon.daemon.database.subscriptions().count == Self.yearEdges.count)
    }

    @Test func anImportLineAcceptsAYearInEveryUnit() async throws {
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        let file = daemon.directory + "/import.jsonl"
        let lines = (Self.yearEdges + ["31622401s"]).enumerated().map { index, before in
            #"{"cities":["busan"],"email":"i\#(index)@example.org","before":["\#(before)"]}"#
        }
        try lines.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let run = await runCtl(["subscribe", "--from", file, "--json", "--socket", daemon.socketPath])
        let reply = try #require(try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any])
        #expect(reply["imported"] as? Int == Self.yearEdges.count, "\(reply)")
        let rejected = try #require(reply["rejected"] as? [[String: Any]])
        #expect(rejected.map { $0["line"] as? Int } == [Self.yearEdges.count + 1], "\(rejected)")
    }
}
