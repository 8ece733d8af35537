import ConcertCore
import ConcertProtocol
import ConcertWeb
import Foundation
import GRDB
import NIOPosix
import Synchronization
import Testing

@testable import ConcertDaemon

/// Every web write that changes what is due wakes the scheduler, as the control socket's
/// subscribe, pause and resume do: rows a web action makes are sent on time, not at the next
/// restart.
@Suite(.serialized, .timeLimit(.minutes(2))) struct WebSchedulerWakeTests {
    /// A web confirmation's "subscribed" message, due at once, is attempted at once over the real
    /// listener (nothing listens at the test daemon's smarthost, so the attempt is counted as failed).
    @Test func theSubscribedMessageOfAWebConfirmationIsAttemptedAtOnce() throws {
        let daemon = try TestDaemon(config: "web_listen = 127.0.0.1:0\n")
        defer { daemon.remove() }
        let port = try #require(daemon.daemon.webAddress).port
        let session = try WebFlowTests.Session(try HTTPExchange.send("/", port: port))
        let flow = WebFlowTests()
        let form = "email=kim%40example.org&city=busan&before=1d&lang=en"
        #expect(try flow.post("/subscribe", form, session: session, port: port).status == 303)
        let requestID = try #require(
            try daemon.sqlite.writer.read { db in try String.fetchOne(db, sql: "SELECT id FROM web_request") })
        let links = try #require(daemon.daemon.webLinks)
        let confirm = String(try #require(links.url(.confirm, subject: requestID)).dropFirst(links.baseURL.count))
        #expect(try flow.post(confirm, "", session: session, port: port).status == 200)
        let deadline = Date().addingTimeInterval(10)
        var attempts = 0
        while Date() < deadline {
            attempts =
                try daemon.sqlite.writer.read { db in
                    try Int.fetchOne(
                        db, sql: "SELECT COALESCE(SUM(attempts), 0) FROM delivery WHERE kind = 'confirmation'")
                } ?? 0
            if attempts > 0 { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        #expect(attempts > 0, "the subscribed message waited for the next wake-up")
    }

    /// Each write of the front door's store that changes subscriptions wakes the scheduler once;
    /// reads, and writes that change nothing, do not.
    @Test func everyWebWriteThatChangesWhatIsDueWakesTheScheduler() async throws {
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        let wakes = Mutex(0)
        let blocking = NIOThreadPool(numberOfThreads: 1)
        blocking.start()
        defer { blocking.shutdownGracefully { _ in } }
        let store = DaemonWebStore(
            store: daemon.sqlite, catalog: { [daemon] in daemon.daemon.catalog }, confirmations: true, mail: nil,
            logger: .quiet, wake: { wakes.withLock { $0 += 1 } }, blocking: blocking)
        func woke(_ what: String, _ expected: Int, _ body: () async throws -> Void) async throws {
            let before = wakes.withLock { $0 }
            try await body()
            #expect(wakes.withLock { $0 } - before == expected, "\(what)")
        }
        let now = daemon.daemon.clock.now()
        let reference = WebReference.generate()
        let pending = PendingWebRequest(
            id: reference.id, subscription: NewSubscription(channel: .email("kim@example.org"), cities: ["busan"]),
            expires: now.addingTimeInterval(3600))
        #expect(try daemon.sqlite.requestWebSubscription(pending, limits: [], now: now) == .kept)
        var subscription = reference
        try await woke("confirm", 1) {
            guard case .confirmed(let made) = try await store.confirmSubscription(request: reference, now: now) else {
                Issue.record("not confirmed")
                return
            }
            subscription = made
        }
        try await woke("confirm again", 0) { _ = try await store.confirmSubscription(request: reference, now: now) }
        try await woke("read", 0) { _ = try await store.subscription(subscription) }
        try await woke("change", 1) {
            let settings = SubscriptionSettings(cities: ["daegu"], offsets: ["3h"], language: .en)
            let outcome = try await store.changeSubscription(subscription, to: settings, now: now)
            #expect(outcome == .changed)
        }
        try await woke("pause", 1) { _ = try await store.setPaused(true, subscription: subscription, now: now) }
        try await woke("resume", 1) { _ = try await store.setPaused(false, subscription: subscription, now: now) }
        try await woke("unsubscribe", 1) { _ = try await store.unsubscribe(subscription, now: now) }
        try await woke("unsubscribe again", 0) { _ = try await store.unsubscribe(subscription, now: now) }
        try await woke("undo", 1) {
            _ = try await store.undoUnsubscribe(subscription, newReference: .generate(), now: now)
        }
        try await woke("undo again", 0) {
            _ = try await store.undoUnsubscribe(subscription, newReference: .generate(), now: now)
        }
    }
}

/// Operators see the web's subscriptions: `subscriptions` names each one's source and counts the
/// requests to subscribe still waiting for their confirmation.
@Suite(.serialized, .timeLimit(.minutes(2))) struct WebSubscriptionSourceTests {
    @Test func theListingNamesEachSubscriptionsSourceAndCountsPendingWebRequests() async throws {
        let daemon = try TestDaemon(config: "web_listen = 127.0.0.1:0\n")
        defer { daemon.remove() }
        let now = daemon.daemon.clock.now()
        let (control, _) = try daemon.sqlite.createSubscription(
            NewSubscription(channel: .email("park@example.org"), cities: ["busan"]), now: now, confirm: false)
        for (index, id) in ["req-aaaaaaaaaaaaaaaaaaaaaa", "req-bbbbbbbbbbbbbbbbbbbbbb"].enumerated() {
            let pending = PendingWebRequest(
                id: id, subscription: NewSubscription(channel: .email("kim\(index)@example.org"), cities: ["busan"]),
                expires: now.addingTimeInterval(3600))
            #expect(try daemon.sqlite.requestWebSubscription(pending, limits: [], now: now) == .kept)
        }
        let expired = PendingWebRequest(
            id: "req-cccccccccccccccccccccc",
            subscription: NewSubscription(channel: .email("x@example.org"), cities: ["busan"]),
            expires: now.addingTimeInterval(-1))
        #expect(
            try daemon.sqlite.requestWebSubscription(expired, limits: [], now: now.addingTimeInterval(-60)) == .kept)
        guard
            case .confirmed(let web) = try daemon.sqlite.confirmWebSubscription(
                requestID: "req-aaaaaaaaaaaaaaaaaaaaaa", confirm: false, now: now)
        else {
            Issue.record("not confirmed")
            return
        }
        let client = try RawControlClient(path: daemon.socketPath)
        try client.send(ControlMethods.subscriptions, SubscriptionsParams(), id: 1)
        let result = try client.readReply().decodeResult(as: SubscriptionsResult.self)
        let sources = Dictionary(uniqueKeysWithValues: result.subscriptions.map { ($0.id, $0.source) })
        #expect(sources == [control.id: "control", web: "web"])
        #expect(result.pendingWebRequests == 1, "one waits; one is confirmed; one expired")
        let listed = await runCtl(["subscriptions", "--socket", daemon.socketPath])
        let lines = listed.output.split(separator: "\n")
        #expect(lines.first?.hasPrefix("ID") == true && lines.first?.contains("SOURCE") == true, "\(listed.output)")
        #expect(lines.contains { $0.hasPrefix(web) && $0.contains(" web ") }, "\(listed.output)")
        #expect(lines.contains { $0.hasPrefix(control.id) && $0.contains(" control ") }, "\(listed.output)")
        #expect(lines.last == "1 web request to subscribe waiting for confirmation", "\(listed.output)")
    }
}
