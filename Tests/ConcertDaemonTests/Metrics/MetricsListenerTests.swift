import ConcertCore
import ConcertMetrics
import ConcertProtocol
import Foundation
import GRDB
import Glibc
import Testing

@testable import ConcertDaemon

/// The daemon's `metrics_listen` listener, over real TCP on 127.0.0.1: what it serves, its
/// health answer following the store, and a start refused when the address cannot be bound.
@Suite(.serialized, .timeLimit(.minutes(2))) struct MetricsListenerTests {
    func daemon(listen: String = "127.0.0.1:0", config: String = "") throws -> TestDaemon {
        try TestDaemon(config: config + "metrics_listen = \(listen)\n")
    }

    func port(_ daemon: TestDaemon) throws -> Int {
        try #require(daemon.daemon.metricsAddress).port
    }

    @Test func metricsAndHealthAreServedAndEverythingElseIsRefused() throws {
        let daemon = try daemon()
        defer { daemon.remove() }
        let port = try port(daemon)
        #expect(port > 0)
        let metrics = try HTTPExchange.send("/metrics", port: port)
        #expect(metrics.status == 200)
        #expect(metrics.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8")
        #expect(metrics.sample("concertd_store_up") == 1)
        #expect(metrics.sample(#"concertd_build_info{version="\#(ConcertDaemonInfo.version)"}"#) == 1)
        let health = try HTTPExchange.send("/healthz", port: port)
        #expect(health.status == 200)
        #expect(health.body == "ok\n")
        #expect(try HTTPExchange.send("/", port: port).status == 404)
        #expect(try HTTPExchange.send("/metrics/extra", port: port).status == 404)
        let post = try HTTPExchange.send("/metrics", method: "POST", port: port)
        #expect(post.status == 405)
        #expect(post.headers["allow"] == "GET")
        #expect(try HTTPExchange.send("/healthz", method: "DELETE", port: port).status == 405)
        let counted = try HTTPExchange.send("/metrics", port: port)
        #expect(counted.sample(#"concertd_http_requests_total{path="/metrics",code="200"}"#) == 1)
        #expect(counted.sample(#"concertd_http_requests_total{path="other",code="404"}"#) == 2)
        #expect(counted.sample(#"concertd_http_requests_total{path="/metrics",code="405"}"#) == 1)
        #expect(counted.sample(#"concertd_http_requests_total{path="/healthz",code="200"}"#) == 1)
    }

    @Test func healthTurns503WhileTheStoreCannotBeReadAndBackTo200() throws {
        let daemon = try daemon()
        defer { daemon.remove() }
        let port = try port(daemon)
        #expect(try HTTPExchange.send("/healthz", port: port).status == 200)
        // Another connection hides the table every read of the store starts from.
        let other = try DatabaseQueue(path: daemon.daemon.resolved.paths.databasePath)
        try other.write { try $0.execute(sql: "ALTER TABLE counter RENAME TO counter_hidden") }
        let down = try HTTPExchange.send("/healthz", port: port)
        #expect(down.status == 503)
        #expect(down.body.contains("the database cannot be read"), "\(down.body)")
        #expect(down.body.contains("counter"), "\(down.body)")
        let scrape = try HTTPExchange.send("/metrics", port: port)
        #expect(scrape.status == 200)
        #expect(scrape.sample("concertd_store_up") == 0)
        #expect(scrape.sample("concertd_sends_in_flight") == 0)
        try other.write { try $0.execute(sql: "ALTER TABLE counter_hidden RENAME TO counter") }
        #expect(try HTTPExchange.send("/healthz", port: port).status == 200)
        #expect(try HTTPExchange.send("/metrics", port: port).sample("concertd_store_up") == 1)
    }

    @Test func aStuckSchedulerTurnsHealthTo503() throws {
        let daemon = try TestDaemon(
            config: "metrics_listen = 127.0.0.1:0\n", environment: ["WATCHDOG_USEC": "6000000"])
        defer { daemon.remove() }
        let port = try port(daemon)
        let stuck = DispatchSemaphore(value: 0)
        daemon.daemon.scheduler.queue.async { stuck.wait() }
        let down = try HTTPExchange.send("/healthz", port: port)
        stuck.signal()
        #expect(down.status == 503)
        #expect(down.body.contains("the scheduler has not run a no-op"), "\(down.body)")
        // Back to 200 once the scheduler has run the no-op it was asked for; on a loaded machine
        // that can take more than one check's second.
        var after = try HTTPExchange.send("/healthz", port: port)
        for _ in 0..<20 where after.status != 200 {
            usleep(250_000)
            after = try HTTPExchange.send("/healthz", port: port)
        }
        #expect(after.status == 200, "\(after.body)")
    }

    @Test func controlRequestsAreCountedByMethodAndOutcome() throws {
        let daemon = try daemon()
        defer { daemon.remove() }
        let client = try RawControlClient(path: daemon.socketPath)
        #expect(client.send(line: #"{"jsonrpc":"2.0","id":1,"method":"status"}"#))
        _ = try client.readReply()
        #expect(client.send(line: #"{"jsonrpc":"2.0","id":2,"method":"no_such_method"}"#))
        _ = try client.readReply()
        #expect(client.send(line: #"{"jsonrpc":"2.0","id":3,"method":"pause","params":{"id":"sub-nothere"}}"#))
        _ = try client.readReply()
        let scrape = try HTTPExchange.send("/metrics", port: try port(daemon))
        #expect(scrape.sample(#"concertd_control_requests_total{method="status",outcome="ok"}"#) == 1)
        #expect(scrape.sample(#"concertd_control_requests_total{method="unknown",outcome="method_not_found"}"#) == 1)
        #expect(scrape.sample(#"concertd_control_requests_total{method="pause",outcome="not_found"}"#) == 1)
    }

    @Test func subscriptionsAreCountedBySourceAndSendsByKindAndChannel() throws {
        let daemon = try daemon()
        defer { daemon.remove() }
        let client = try RawControlClient(path: daemon.socketPath)
        try client.send(
            ControlMethods.subscribe, SubscribeParams(cities: ["busan"], webhook: "https://hooks.example.org/a"), id: 1)
        guard case .success = try client.readReply().outcome else {
            Issue.record("the subscribe was refused")
            return
        }
        let scrape = try HTTPExchange.send("/metrics", port: try port(daemon))
        #expect(scrape.sample(#"concertd_subscriptions{state="active",source="control"}"#) == 1)
        #expect(scrape.sample(#"concertd_subscriptions{state="active",source="import"}"#) == 0)
        #expect((scrape.sample("concertd_outbox_depth") ?? 0) >= 1)
    }

    /// Skips the store makes itself (a pause here; a cancelled concert, an unsubscribe) are
    /// counted when they are made, as `status` counts them, not only at the next start.
    @Test func skipsMadeByThePauseOfASubscriptionAreCountedAtOnce() throws {
        let daemon = try daemon()
        defer { daemon.remove() }
        let client = try RawControlClient(path: daemon.socketPath)
        try client.send(
            ControlMethods.subscribe, SubscribeParams(cities: ["busan"], webhook: "https://hooks.example.org/p"), id: 1)
        guard case .success = try client.readReply().outcome else {
            Issue.record("the subscribe was refused")
            return
        }
        let id = try #require(
            try daemon.sqlite.writer.read { db in try String.fetchOne(db, sql: "SELECT id FROM subscription") })
        try client.send(ControlMethods.pause, SubscriptionIDParams(id: id), id: 2)
        guard case .success = try client.readReply().outcome else {
            Issue.record("the pause was refused")
            return
        }
        let skipped = try daemon.sqlite.writer.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM delivery WHERE state = 'skipped'") ?? 0
        }
        try #require(skipped > 0, "the pause skipped the pending reminders")
        let scrape = try HTTPExchange.send("/metrics", port: try port(daemon))
        let counted = scrape.body.split(separator: "\n")
            .filter { $0.hasPrefix(#"concertd_deliveries_total{state="skipped""#) }
            .compactMap { Double($0.split(separator: " ").last ?? "") }.reduce(0, +)
        #expect(counted == Double(skipped), "\(scrape.body)")
    }

    /// A client that connects and sends nothing is closed after the idle timeout (60 s in the
    /// daemon): idle connections cannot pile up and take the daemon's descriptors.
    @Test func anIdleConnectionIsClosedAfterTheIdleTimeout() throws {
        let metrics = DaemonMetrics(version: "t", startedAt: Date())
        let sources = MetricsSources(counters: { [:] }, databaseSize: { 0 }, scheduler: { .init() })
        let server = try MetricsServer.start(
            address: ListenAddress(host: "127.0.0.1", port: 0),
            endpoints: MetricsEndpoints(metrics: metrics, sources: sources, liveness: { LivenessReport() }),
            logger: .quiet, idleTimeout: .seconds(1))
        defer { server.stop(timeout: .seconds(5)) }
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(server.boundAddress.port).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        try #require(connected == 0)
        // The peer's close reads as end of file; nothing else arrives on a connection that sent nothing.
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, 10_000) == 1 else {
            Issue.record("the idle connection was kept open for 10 s")
            return
        }
        var byte: UInt8 = 0
        #expect(recv(descriptor, &byte, 1, Int32(MSG_DONTWAIT)) == 0)
    }

    @Test func theDeliveryCountersGoOnFromTheDatabaseAfterARestart() throws {
        let first = try daemon()
        let state = first.stateDirectory
        let socket = first.socket
        try first.sqlite.writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO subscription (id, channel, target, format, destination, cities, offsets, lang, state,
                        created_at, updated_at, source)
                    VALUES ('sub-a', 'webhook', 'https://h.example.org/a', 'discord', 'h.example.org', 'busan', '86400',
                        'ko', 'active', 0, 0, 'control');
                    INSERT INTO delivery (subscription_id, concert_id, concert_revision, kind, due_at, state, created_at)
                    VALUES ('sub-a', 'busan-2019', 1, 'reminder', 0, 'scheduled', 0),
                        ('sub-a', 'busan-2019', 1, 'confirmation', 0, 'scheduled', 0);
                    UPDATE delivery SET state = 'sent' WHERE subscription_id = 'sub-a';
                    """)
        }
        first.stop()
        let second = try TestDaemon(config: "metrics_listen = 127.0.0.1:0\n", stateDirectory: state)
        defer {
            second.remove()
            socket.remove()
        }
        let scrape = try HTTPExchange.send("/metrics", port: try port(second))
        #expect(
            scrape.sample(#"concertd_deliveries_total{state="sent",kind="reminder",channel="discord"}"#) == 1)
        #expect(
            scrape.sample(#"concertd_deliveries_total{state="sent",kind="confirmation",channel="discord"}"#) == 1)
    }

    @Test func anAddressInUseRefusesTheStartAsTemporaryAndLeavesNothingBehind() throws {
        let (taken, port) = try loopbackListeningSocket(backlog: 1)
        defer { close(taken) }
        // The database lock and the control socket were let go: a start on a free port succeeds.
        let error = try listenerStartRefusal(config: "metrics_listen = 127.0.0.1:\(port)\n") {
            $0.overrides.metricsListen = "127.0.0.1:0"
        }
        #expect(error?.kind == .temporarilyUnavailable)
        #expect(
            error?.description
                == "metrics_listen: cannot listen on 127.0.0.1:\(port): the address is already in use by another program (or another concertd)"
        )
    }

    @Test func anAddressNotOfThisMachineRefusesTheStartForGood() throws {
        // 192.0.2.1 is TEST-NET-1 (RFC 5737): never an address of this machine.
        let error = try listenerStartRefusal(config: "metrics_listen = 192.0.2.1:9464\n")
        #expect(error?.kind == .configuration)
        #expect(
            error?.description
                == "metrics_listen: cannot listen on 192.0.2.1:9464: the address is not one of this machine's")
    }

    @Test func stopClosesTheListener() throws {
        let daemon = try daemon()
        let port = try port(daemon)
        #expect(try HTTPExchange.send("/healthz", port: port).status == 200)
        daemon.remove()
        #expect(throws: TestClientError.self) { try HTTPExchange.send("/healthz", port: port, timeout: 5) }
    }

    @Test func aReloadWithAChangedAddressSaysItNeedsARestartAndKeepsListening() throws {
        let daemon = try daemon()
        defer { daemon.remove() }
        let port = try port(daemon)
        let file = try #require(daemon.daemon.resolved.file)
        try "metrics_listen = 127.0.0.1:1\n".write(toFile: file, atomically: true, encoding: .utf8)
        let summary = try daemon.daemon.reload(requestedBy: .signal("SIGHUP"))
        #expect(summary.restartNeeded == ["metrics_listen"])
        #expect(summary.warnings.contains("metrics_listen takes effect at the next start"))
        #expect(daemon.daemon.metricsAddress?.port == port)
        #expect(try HTTPExchange.send("/healthz", port: port).status == 200)
    }

    @Test func withoutMetricsListenThereIsNoListenerAndNoObserver() throws {
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        #expect(daemon.daemon.metricsAddress == nil)
        #expect(daemon.daemon.metrics == nil)
    }
}
