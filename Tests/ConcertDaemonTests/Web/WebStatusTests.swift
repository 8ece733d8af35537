import ConcertCore
import ConcertProtocol
import Foundation
import Testing

@testable import ConcertDaemon

/// `status` shows the front door as the operator needs it: where it listens, the public address of
/// its links, and how many web requests wait for confirmation; and the metrics listener likewise.
@Suite(.serialized, .timeLimit(.minutes(2))) struct WebStatusTests {
    func status(_ daemon: TestDaemon) throws -> StatusResult {
        let client = try RawControlClient(path: daemon.socketPath)
        try client.send(ControlMethods.status, NoParams(), id: 1)
        return try client.readReply().decodeResult(as: StatusResult.self)
    }

    @Test func statusCountsThePendingWebRequestsAndLeavesOutExpiredAndConfirmedOnes() throws {
        let daemon = try TestDaemon(config: "web_listen = 127.0.0.1:0\nweb_base_url = http://127.0.0.1:9/concerts\n")
        defer { daemon.remove() }
        let port = try #require(daemon.daemon.webAddress).port
        let empty = try #require(try status(daemon).web)
        #expect(empty.listen == "127.0.0.1:\(port)")
        #expect(empty.baseURL == "http://127.0.0.1:9/concerts")
        #expect(empty.pendingRequests == 0)
        let now = daemon.daemon.clock.now()
        for (id, expires) in [("req-aaaaaaaaaaaa", 3600.0), ("req-bbbbbbbbbbbb", 7200), ("req-cccccccccccc", -1)] {
            _ = try daemon.sqlite.requestWebSubscription(
                PendingWebRequest(
                    id: id, subscription: NewSubscription(channel: .email("\(id)@example.org"), cities: ["busan"]),
                    expires: now.addingTimeInterval(expires)), limits: [], now: now.addingTimeInterval(-10))
        }
        #expect(try status(daemon).web?.pendingRequests == 2, "the expired request is not counted")
        _ = try daemon.sqlite.confirmWebSubscription(requestID: "req-aaaaaaaaaaaa", confirm: false, now: now)
        #expect(try status(daemon).web?.pendingRequests == 1, "a confirmed request is not pending")
    }

    @Test func statusNamesTheMetricsListenerAndLeavesBothOutWhenOff() throws {
        let daemon = try TestDaemon(config: "metrics_listen = 127.0.0.1:0\n")
        defer { daemon.remove() }
        let port = try #require(daemon.daemon.metricsAddress).port
        let result = try status(daemon)
        #expect(result.metrics?.listen == "127.0.0.1:\(port)")
        #expect(result.web == nil)
        let off = try TestDaemon()
        defer { off.remove() }
        let quiet = try status(off)
        #expect(quiet.metrics == nil)
        #expect(quiet.web == nil)
    }
}
