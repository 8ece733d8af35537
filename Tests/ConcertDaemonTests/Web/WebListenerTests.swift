import ConcertCore
import ConcertProtocol
import Foundation
import GRDB
import Glibc
import Testing

@testable import ConcertDaemon

/// The daemon's `web_listen` front door over real TCP on 127.0.0.1: the front page from the
/// store, status naming it, the token links in the email builder, a start refused when the
/// address cannot be bound.
@Suite(.serialized, .timeLimit(.minutes(2))) struct WebListenerTests {
    @Test func theFrontPageListsTheCatalogsCitiesAndStatusNamesTheListener() throws {
        let daemon = try TestDaemon(config: "web_listen = 127.0.0.1:0\n")
        defer { daemon.remove() }
        let port = try #require(daemon.daemon.webAddress).port
        #expect(port > 0)
        let page = try HTTPExchange.send("/", port: port)
        #expect(page.status == 200)
        #expect(page.headers["content-security-policy"]?.hasPrefix("default-src 'none'") == true)
        #expect(page.headers["referrer-policy"] == "no-referrer")
        for city in daemon.daemon.catalog.cities {
            #expect(page.body.contains("value=\"\(city.id)\""), "\(city.id)")
        }
        let english = try HTTPExchange.send("/?lang=en", port: port)
        #expect(english.body.contains("lang=\"en\""))
        #expect(daemon.daemon.webLinks?.url(.unsubscribe, subject: "sub-abc") != nil, "the key was read at start")
        let client = try RawControlClient(path: daemon.socketPath)
        #expect(client.send(line: #"{"jsonrpc":"2.0","id":1,"method":"status"}"#))
        let reply = try #require(try client.readLine())
        #expect(reply.contains(#""web":{"#), "\(reply)")
        #expect(reply.contains("127.0.0.1:\(port)"), "\(reply)")
    }

    @Test func theTokenKeyIsKeptInTheStoreAcrossARestart() throws {
        let daemon = try TestDaemon(config: "web_listen = 127.0.0.1:0\n")
        defer { daemon.remove() }
        let first = try #require(daemon.daemon.webLinks?.url(.manage, subject: "sub-abc"))
        let keys = try DatabaseQueue(path: daemon.daemon.resolved.paths.databasePath).read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM web_token_key")
        }
        #expect(keys == 1)
        daemon.daemon.stop()
        let options = TestDaemon.options(
            directory: daemon.directory, socketPath: daemon.socketPath, clockStart: "2019-10-20T00:00",
            config: "web_listen = 127.0.0.1:0\n", catalog: nil, environment: [:])
        daemon.daemon = try Daemon.start(options, logger: .quiet)
        #expect(daemon.daemon.webLinks?.url(.manage, subject: "sub-abc") == first)
    }

    @Test func anAddressInUseRefusesTheStartAsTemporary() throws {
        let (taken, port) = try loopbackListeningSocket(backlog: 1)
        defer { close(taken) }
        let error = try listenerStartRefusal(config: "web_listen = 127.0.0.1:\(port)\n") {
            $0.overrides.webListen = "127.0.0.1:0"
        }
        #expect(error?.kind == .temporarilyUnavailable)
        #expect(
            error?.description
                == "web_listen: cannot listen on 127.0.0.1:\(port): the address is already in use by another program (or another concertd)"
        )
    }

    @Test func anAddressNotOfThisMachineRefusesTheStartForGood() throws {
        let error = try listenerStartRefusal(config: "web_listen = 192.0.2.1:8080\n")
        #expect(error?.kind == .configuration)
        #expect(error?.description.hasPrefix("web_listen: cannot listen on 192.0.2.1:8080") == true)
    }
}

/// A start on a web address in use exits 75 (systemd tries again) saying why.
extension ConcertdExitStatusTests {
    @Test func aWebAddressInUseExits75SayingSo() throws {
        let (taken, port) = try loopbackListeningSocket(backlog: 1)
        defer { close(taken) }
        let socket = TemporarySocket()
        defer { socket.remove() }
        let exit = try run(
            daemonArguments(state: socket.directory + "/state", socket: socket.path) + [
                "--web-listen", "127.0.0.1:\(port)",
            ], directory: socket.directory)
        #expect(exit.status == 75, "\(exit.error)")
        #expect(exit.error.contains("web_listen: cannot listen on 127.0.0.1:\(port): the address is already in use"))
    }
}

/// The whole web path over the real listener and the real store: subscribe, nothing scheduled,
/// confirm, one-click unsubscribe, and the per-client limit answered 429 with nothing kept.
@Suite(.serialized, .timeLimit(.minutes(2))) struct WebFlowTests {
    /// A browser's cookie and the page's CSRF token.
    struct Session {
        var cookie: String
        var csrf: String

        init(_ page: HTTPExchange) throws {
            let setCookie = try #require(page.headers["set-cookie"])
            cookie = String(setCookie.prefix { $0 != ";" })
            let field = try #require(page.body.range(of: #"name="csrf" value=""#))
            csrf = String(page.body[field.upperBound...].prefix { $0 != "\"" })
        }
    }

    func post(_ path: String, _ form: String, session: Session, port: Int) throws -> HTTPExchange {
        try HTTPExchange.send(
            path, method: "POST", port: port,
            headers: ["Content-Type": "application/x-www-form-urlencoded", "Cookie": session.cookie],
            body: form + "&csrf=" + session.csrf)
    }

    @Test func subscribeConfirmAndUnsubscribeInOneClickThroughTheStore() throws {
        let daemon = try TestDaemon(config: "web_listen = 127.0.0.1:0\nweb_confirmations_per_client = 2\n")
        defer { daemon.remove() }
        let port = try #require(daemon.daemon.webAddress).port
        let session = try Session(try HTTPExchange.send("/", port: port))
        let form = "email=kim%40example.org&city=busan&city=daegu&before=1d&lang=en"
        let subscribed = try post("/subscribe", form, session: session, port: port)
        #expect(subscribed.status == 303)
        #expect(subscribed.headers["location"]?.hasPrefix("/check-inbox") == true)
        #expect(try daemon.sqlite.subscriptions().isEmpty, "nothing before the confirmation")
        let requestID = try #require(
            try daemon.sqlite.writer.read { db in try String.fetchOne(db, sql: "SELECT id FROM web_request") })
        let links = try #require(daemon.daemon.webLinks)
        let confirmURL = try #require(links.url(.confirm, subject: requestID))
        let confirmPath = String(confirmURL.dropFirst(links.baseURL.count))
        let page = try HTTPExchange.send(confirmPath, port: port)
        #expect(page.status == 200)
        #expect(page.headers["referrer-policy"] == "no-referrer")
        #expect(try daemon.sqlite.subscriptions().isEmpty, "opening the link confirms nothing")
        let wrongCSRF = try HTTPExchange.send(
            confirmPath, method: "POST", port: port,
            headers: ["Content-Type": "application/x-www-form-urlencoded", "Cookie": session.cookie],
            body: "csrf=AAAA")
        #expect(wrongCSRF.status == 403)
        #expect(try daemon.sqlite.subscriptions().isEmpty)
        let confirmed = try post(confirmPath, "", session: session, port: port)
        #expect(confirmed.status == 200)
        let subscription = try #require(try daemon.sqlite.subscriptions().first)
        #expect(subscription.cities == ["busan", "daegu"] || subscription.cities == ["daegu", "busan"])
        #expect(subscription.language == .en)
        #expect(try post(confirmPath, "", session: session, port: port).status == 200, "twice is harmless")
        #expect(try daemon.sqlite.subscriptions().count == 1)
        let unsubscribe = String(
            try #require(links.url(.unsubscribe, subject: subscription.id)).dropFirst(links.baseURL.count))
        let refused = try HTTPExchange.send(
            unsubscribe, method: "POST", port: port, headers: ["Content-Type": "application/x-www-form-urlencoded"],
            body: "List-Unsubscribe=No")
        #expect(refused.status == 400)
        #expect(try daemon.sqlite.subscription(id: subscription.id)?.state == .active)
        let oneClick = try HTTPExchange.send(
            unsubscribe, method: "POST", port: port, headers: ["Content-Type": "application/x-www-form-urlencoded"],
            body: "List-Unsubscribe=One-Click")
        #expect(oneClick.status == 200)
        #expect(try daemon.sqlite.subscription(id: subscription.id)?.state == .removed)
        // The per-client limit (2 an hour): the second request is kept, the third refused.
        #expect(try post("/subscribe", form, session: session, port: port).status == 303)
        let limited = try post("/subscribe", "email=lee%40example.org&city=busan", session: session, port: port)
        #expect(limited.status == 429)
        #expect(limited.headers["retry-after"] != nil)
        let kept = try daemon.sqlite.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM web_request") }
        #expect(kept == 2)
    }
}

extension WebFlowTests {
    @Test func theManagePageChangesPausesUnsubscribesAndUndoesInTheStore() throws {
        let daemon = try TestDaemon(config: "web_listen = 127.0.0.1:0\n")
        defer { daemon.remove() }
        let port = try #require(daemon.daemon.webAddress).port
        let (subscription, _) = try daemon.sqlite.createSubscription(
            NewSubscription(channel: .email("park@example.org"), cities: ["busan"]), now: daemon.daemon.clock.now(),
            confirm: false)
        let links = try #require(daemon.daemon.webLinks)
        let manage = String(try #require(links.url(.manage, subject: subscription.id)).dropFirst(links.baseURL.count))
        let page = try HTTPExchange.send(manage, port: port)
        #expect(page.status == 200)
        #expect(page.body.contains("p***@example.org"))
        #expect(!page.body.contains("park@example.org"), "the address is masked")
        let session = try Session(page)
        let saved = try post(
            manage, "action=save&city=daegu&city=sejong&before=3h&lang=en", session: session, port: port)
        #expect(saved.status == 303)
        let changed = try #require(try daemon.sqlite.subscription(id: subscription.id))
        #expect(Set(changed.cities) == ["daegu", "sejong"])
        #expect(changed.offsets == [ReminderOffset(seconds: 3 * 3600)])
        #expect(changed.language == .en)
        let badCity = try post(manage, "action=save&city=atlantis", session: session, port: port)
        #expect(badCity.status == 400)
        #expect(Set(try daemon.sqlite.subscription(id: subscription.id)!.cities) == ["daegu", "sejong"])
        #expect(try post(manage, "action=pause", session: session, port: port).status == 303)
        #expect(try daemon.sqlite.subscription(id: subscription.id)?.state == .paused)
        #expect(try post(manage, "action=resume", session: session, port: port).status == 303)
        #expect(try daemon.sqlite.subscription(id: subscription.id)?.state == .active)
        let removed = try post(manage, "action=unsubscribe", session: session, port: port)
        #expect(removed.status == 200)
        #expect(try daemon.sqlite.subscription(id: subscription.id)?.state == .removed)
        let undoStart = try #require(removed.body.range(of: "action=\"/undo/"))
        let undo = "/undo/" + String(removed.body[undoStart.upperBound...].prefix { $0 != "\"" })
        #expect(try post(undo, "", session: session, port: port).status == 200)
        #expect(try post(undo, "", session: session, port: port).status == 200, "a second undo is harmless")
        let active = try daemon.sqlite.subscriptions()
        #expect(active.count == 1)
        #expect(active.first?.id != subscription.id, "removed stays final: the undo made a new subscription")
        #expect(Set(active.first?.cities ?? []) == ["daegu", "sejong"])
        #expect(try daemon.sqlite.subscription(id: subscription.id)?.state == .removed)
    }
}

extension WebFlowTests {
    /// Chromium posts a form of a `no-referrer` page with `Origin: null` and `Sec-Fetch-Site:
    /// same-origin`: the confirmation and the manage page's buttons must be taken, over the real
    /// listener; the same post marked cross-site is refused and changes nothing.
    @Test func formsPostedAsChromiumSendsThemFromNoReferrerPagesAreTaken() throws {
        let daemon = try TestDaemon(config: "web_listen = 127.0.0.1:0\n")
        defer { daemon.remove() }
        let port = try #require(daemon.daemon.webAddress).port
        let session = try Session(try HTTPExchange.send("/", port: port))
        func post(_ path: String, _ form: String, site: String) throws -> HTTPExchange {
            try HTTPExchange.send(
                path, method: "POST", port: port,
                headers: [
                    "Content-Type": "application/x-www-form-urlencoded", "Cookie": session.cookie, "Origin": "null",
                    "Sec-Fetch-Site": site,
                ], body: form + "&csrf=" + session.csrf)
        }
        let form = "email=kim%40example.org&city=busan&before=1d&lang=en"
        #expect(try post("/subscribe", form, site: "cross-site").status == 403)
        #expect(try post("/subscribe", form, site: "same-origin").status == 303)
        let requestID = try #require(
            try daemon.sqlite.writer.read { db in try String.fetchOne(db, sql: "SELECT id FROM web_request") })
        let links = try #require(daemon.daemon.webLinks)
        let confirm = String(try #require(links.url(.confirm, subject: requestID)).dropFirst(links.baseURL.count))
        #expect(try post(confirm, "", site: "cross-site").status == 403)
        #expect(try daemon.sqlite.subscriptions().isEmpty)
        #expect(try post(confirm, "", site: "same-origin").status == 200)
        let subscription = try #require(try daemon.sqlite.subscriptions().first)
        let manage = String(try #require(links.url(.manage, subject: subscription.id)).dropFirst(links.baseURL.count))
        #expect(try post(manage, "action=pause", site: "cross-site").status == 403)
        #expect(try daemon.sqlite.subscription(id: subscription.id)?.state == .active)
        #expect(try post(manage, "action=pause", site: "same-origin").status == 303)
        #expect(try daemon.sqlite.subscription(id: subscription.id)?.state == .paused)
    }
}

/// The front door's connections count in the descriptors a configuration needs.
@Suite struct WebDescriptorBudgetTests {
    @Test func theFrontDoorsConnectionsAreInTheBudget() {
        var configuration = DaemonConfiguration()
        let without = DescriptorBudget.needed(for: configuration)
        configuration.webListen = ListenAddress(host: "127.0.0.1", port: 8080)
        #expect(DescriptorBudget.needed(for: configuration) == without + 1 + Daemon.webMaxConnections)
    }
}
