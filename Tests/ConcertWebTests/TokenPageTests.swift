import ConcertCore
import Foundation
import HTTPTypes
import Hummingbird
import Testing

@testable import ConcertWeb

@Suite(.timeLimit(.minutes(1)))
struct TokenPageTests {
    /// Subscribes through the form and returns the path of the confirmation link.
    static func requestConfirmation(_ web: WebHarness, email: String = "kim@example.org") async throws -> String {
        let reply = try await SubscribeTests.subscribe(web, [("email", email), ("city", "busan")])
        #expect(reply.status == .seeOther)
        let url = try #require(await web.store.queuedConfirmations.last?.confirmURL)
        let path = url.dropFirst("https://concerts.example.org".count)
        return String(path.prefix { $0 != "?" })
    }

    @Test func openingTheConfirmationLinkConfirmsNothingAndTheButtonDoes() async throws {
        let web = WebHarness()
        let path = try await Self.requestConfirmation(web)
        let page = try await web.get(path)
        #expect(page.status == .ok)
        #expect(page.body.contains("<button type=\"submit\">구독 확인</button>"))
        #expect(page.headers[.referrerPolicy] == "no-referrer")
        #expect(page.headers[.cacheControl] == "no-store")
        #expect(await web.store.subscriptions.isEmpty)
        let confirmed = try await web.post(path, form: [("csrf", page.csrf!)])
        #expect(confirmed.status == .ok)
        #expect(confirmed.body.contains("구독이 확인되었습니다"))
        #expect(await web.store.subscriptions.count == 1)
        let again = try await web.post(path, form: [("csrf", page.csrf!)])
        #expect(again.status == .ok)
        #expect(again.body.contains("이미 확인된 구독입니다"))
        #expect(await web.store.subscriptions.count == 1)
        let manage = try #require(confirmed.link(startingWith: "/manage/"))
        #expect(try await web.get(manage).body.contains("k***@example.org"))
    }

    @Test func aConfirmationLinkExpiresAfter48Hours() async throws {
        let web = WebHarness()
        let path = try await Self.requestConfirmation(web)
        let page = try await web.get(path)
        web.advance(.seconds(48 * 3600))
        let late = try await web.post(path, form: [("csrf", page.csrf!)])
        #expect(late.status == .gone)
        #expect(late.body.contains("링크가 만료되었습니다"))
        #expect(await web.store.subscriptions.isEmpty)
    }

    @Test func forgedAlteredAndMisusedTokensAreRefused() async throws {
        let web = WebHarness()
        let path = try await Self.requestConfirmation(web)
        let token = String(path.dropFirst("/confirm/".count))
        var altered = Array(token)
        altered[30] = altered[30] == "A" ? "B" : "A"
        let forged = WebReference.generate().token(for: .confirm, with: .generate(now: web.now))
        for bad in [
            String(altered), forged, "short", String(token.dropLast()), token + "A",
            String(repeating: "A", count: WebToken.textLength),
        ] {
            let reply = try await web.get("/confirm/" + bad)
            #expect(reply.status == .notFound, "\(bad)")
            #expect(reply.body.contains("링크가 올바르지 않습니다"))
        }
        // A confirmation token opens no manage or unsubscribe page.
        #expect(try await web.get("/manage/" + token).status == .notFound)
        #expect(try await web.get("/unsubscribe/" + token).status == .notFound)
        let oneClick = try await web.send(
            .post, "/unsubscribe/" + token, headers: [.contentType: "application/x-www-form-urlencoded"],
            body: "List-Unsubscribe=One-Click")
        #expect(oneClick.status == .notFound)
    }

    @Test func theOneClickPostUnsubscribesAtOnceWithoutCSRF() async throws {
        let web = WebHarness()
        let reference = await web.store.addSubscription(
            .email("kim@example.org"), settings: SubscriptionSettings(cities: ["busan"], offsets: ["1d"], language: .ko)
        )
        let token = reference.token(for: .unsubscribe, with: try await web.frontDoor.keys.signingKey(now: web.now))
        // Opening the link removes nothing and offers manage instead.
        let page = try await web.get("/unsubscribe/" + token)
        #expect(page.status == .ok)
        #expect(page.link(startingWith: "/manage/") != nil)
        #expect(await web.store.state(of: reference) == .active)
        // Exactly what a mail client sends: no cookie, no CSRF token.
        web.forgetCookies()
        let bad = try await web.send(
            .post, "/unsubscribe/" + token, headers: [.contentType: "application/x-www-form-urlencoded"], body: "x=y")
        #expect(bad.status == .badRequest)
        #expect(await web.store.state(of: reference) == .active)
        let reply = try await web.send(
            .post, "/unsubscribe/" + token, headers: [.contentType: "application/x-www-form-urlencoded"],
            body: "List-Unsubscribe=One-Click")
        #expect(reply.status == .ok)
        #expect(reply.body.contains("수신 거부되었습니다"))
        #expect(await web.store.state(of: reference) == .removed)
        let replay = try await web.send(
            .post, "/unsubscribe/" + token, headers: [.contentType: "application/x-www-form-urlencoded"],
            body: "List-Unsubscribe=One-Click")
        #expect(replay.status == .ok)
        #expect(replay.body.contains("이미 수신 거부된 구독입니다"))
    }

    @Test func theOneClickPostIsUnderstoodAsMultipartToo() async throws {
        let web = WebHarness()
        let reference = await web.store.addSubscription(
            .email("kim@example.org"), settings: SubscriptionSettings(cities: ["busan"], offsets: ["1d"], language: .ko)
        )
        let token = reference.token(for: .unsubscribe, with: try await web.frontDoor.keys.signingKey(now: web.now))
        let body = "--XyZ\r\nContent-Disposition: form-data; name=\"List-Unsubscribe\"\r\n\r\nOne-Click\r\n--XyZ--\r\n"
        let reply = try await web.send(
            .post, "/unsubscribe/" + token, headers: [.contentType: "multipart/form-data; boundary=XyZ"], body: body)
        #expect(reply.status == .ok)
        #expect(await web.store.state(of: reference) == .removed)
    }

    @Test func theManagePageChangesPausesUnsubscribesAndUndoes() async throws {
        let web = WebHarness()
        let reference = await web.store.addSubscription(
            .email("kim@example.org"), settings: SubscriptionSettings(cities: ["busan"], offsets: ["1d"], language: .ko)
        )
        let token = reference.token(for: .manage, with: try await web.frontDoor.keys.signingKey(now: web.now))
        let page = try await web.get("/manage/" + token)
        #expect(page.body.contains("value=\"busan\" checked"))
        #expect(page.body.contains("value=\"1d\" checked"))
        #expect(page.body.contains("value=\"7d\"><label"))
        // The page after unsubscribing offers an undo: the button does not say it cannot be undone.
        #expect(page.body.contains(">완전히 수신 거부</button>"))
        #expect(!page.body.contains("되돌릴 수 없음"))
        let csrf = page.csrf!
        let saved = try await web.post(
            "/manage/" + token + "?lang=en",
            form: [("csrf", csrf), ("action", "save"), ("city", "sejong"), ("before", "3h"), ("lang", "en")])
        #expect(saved.status == .seeOther)
        #expect(saved.headers[.location] == "/manage/\(token)?lang=en&done=saved")
        #expect(
            await web.store.settings(of: reference)
                == SubscriptionSettings(cities: ["sejong"], offsets: ["3h"], language: .en))
        let noCity = try await web.post(
            "/manage/" + token, form: [("csrf", csrf), ("action", "save"), ("before", "3h")])
        #expect(noCity.status == .badRequest)
        #expect(await web.store.settings(of: reference)?.cities == ["sejong"])
        // The subscription is English now: its pages come in English unless `?lang=` says otherwise.
        _ = try await web.post("/manage/" + token, form: [("csrf", csrf), ("action", "pause")])
        #expect(await web.store.state(of: reference) == .paused)
        #expect(try await web.get("/manage/" + token + "?done=paused").body.contains("<html lang=\"en\""))
        #expect(try await web.get("/manage/" + token + "?lang=ko&done=paused").body.contains("다시 받기"))
        _ = try await web.post("/manage/" + token, form: [("csrf", csrf), ("action", "resume")])
        #expect(await web.store.state(of: reference) == .active)
        let wrongCSRF = try await web.post("/manage/" + token, form: [("csrf", "x"), ("action", "unsubscribe")])
        #expect(wrongCSRF.status == .forbidden)
        #expect(await web.store.state(of: reference) == .active)
        let gone = try await web.post(
            "/manage/" + token + "?lang=ko", form: [("csrf", csrf), ("action", "unsubscribe")])
        #expect(gone.body.contains("수신 거부되었습니다"))
        #expect(await web.store.state(of: reference) == .removed)
        let undo = try #require(gone.link(startingWith: "/undo/"))
        let restored = try await web.post(undo + "?lang=ko", form: [("csrf", gone.csrf!)])
        #expect(restored.body.contains("구독을 되살렸습니다"))
        let twice = try await web.post(undo, form: [("csrf", gone.csrf!)])
        #expect(twice.link(startingWith: "/manage/") == restored.link(startingWith: "/manage/"))
        // The removed one stays removed; the undo made one new active subscription.
        #expect(await web.store.state(of: reference) == .removed)
        #expect(await web.store.subscriptions.values.filter { $0.state == .active }.count == 1)
        // The old manage link leads to the subscription the undo made.
        let oldPage = try await web.get("/manage/" + token + "?lang=ko")
        #expect(oldPage.status == .seeOther)
        #expect(oldPage.headers[.location] == restored.link(startingWith: "/manage/").map { $0 + "?lang=ko" })
        // A removal not undone: its page says so and offers no form.
        let other = await web.store.addSubscription(
            .email("lee@example.org"), settings: SubscriptionSettings(cities: ["busan"], offsets: ["1d"], language: .ko)
        )
        _ = await web.store.unsubscribe(other, now: web.now)
        let key = try await web.frontDoor.keys.signingKey(now: web.now)
        let removedPage = try await web.get("/manage/" + other.token(for: .manage, with: key) + "?lang=ko")
        #expect(removedPage.body.contains("이 구독은 수신 거부되었습니다"))
        #expect(!removedPage.body.contains("<form"))
    }
}

extension TokenPageTests {
    /// The pages a subscriber reaches from a mail come in the subscription's language, whatever
    /// the browser prefers; `?lang=` (the pages' own language links) still chooses.
    @Test func tokenPagesComeInTheSubscriptionsLanguageNotTheBrowsers() async throws {
        let web = WebHarness()
        let reference = await web.store.addSubscription(
            .email("kim@example.org"), settings: SubscriptionSettings(cities: ["busan"], offsets: ["1d"], language: .en)
        )
        let key = try await web.frontDoor.keys.signingKey(now: web.now)
        let korean: HTTPFields = [.acceptLanguage: "ko-KR,ko;q=0.9"]
        for path in [
            "/manage/" + reference.token(for: .manage, with: key),
            "/unsubscribe/" + reference.token(for: .unsubscribe, with: key),
        ] {
            let page = try await web.get(path, headers: korean)
            #expect(page.status == .ok)
            #expect(page.body.contains("<html lang=\"en\""), "\(path)")
            #expect(try await web.get(path + "?lang=ko", headers: korean).body.contains("<html lang=\"ko\""))
        }
        let manage = "/manage/" + reference.token(for: .manage, with: key)
        let page = try await web.get(manage, headers: korean)
        let removed = try await web.post(
            manage, form: [("csrf", page.csrf!), ("action", "unsubscribe")], headers: korean)
        #expect(removed.body.contains("<html lang=\"en\""))
        let undo = try #require(removed.link(startingWith: "/undo/"))
        let restored = try await web.post(undo, form: [("csrf", removed.csrf!)], headers: korean)
        #expect(restored.body.contains("<html lang=\"en\""))
    }

    /// A mail client's one-click POST carries no `?lang=` and usually no `Accept-Language`: its
    /// answer and the undo form on it come in the subscription's language.
    @Test func theOneClickAnswerComesInTheSubscriptionsLanguage() async throws {
        let web = WebHarness()
        let reference = await web.store.addSubscription(
            .email("kim@example.org"), settings: SubscriptionSettings(cities: ["busan"], offsets: ["1d"], language: .en)
        )
        let token = reference.token(for: .unsubscribe, with: try await web.frontDoor.keys.signingKey(now: web.now))
        web.forgetCookies()
        let reply = try await web.send(
            .post, "/unsubscribe/" + token, headers: [.contentType: "application/x-www-form-urlencoded"],
            body: "List-Unsubscribe=One-Click")
        #expect(reply.status == .ok)
        #expect(reply.body.contains("<html lang=\"en\""))
        let undo = try #require(reply.capture("action=\"(/undo/[^\"]*)\""))
        #expect(undo.hasSuffix("?lang=en"), "\(undo)")
    }

    /// Saving another language on the manage page sends the browser to the page in that language.
    @Test func savingALanguageRedirectsToThePageInIt() async throws {
        let web = WebHarness()
        let reference = await web.store.addSubscription(
            .email("kim@example.org"), settings: SubscriptionSettings(cities: ["busan"], offsets: ["1d"], language: .ko)
        )
        let token = reference.token(for: .manage, with: try await web.frontDoor.keys.signingKey(now: web.now))
        let page = try await web.get("/manage/" + token)
        let saved = try await web.post(
            "/manage/" + token,
            form: [("csrf", page.csrf!), ("action", "save"), ("city", "busan"), ("before", "1d"), ("lang", "en")])
        #expect(saved.status == .seeOther)
        #expect(saved.headers[.location] == "/manage/\(token)?lang=en&done=saved")
    }

    /// The confirmation link names the language asked for on the form, so its page comes in it.
    @Test func theConfirmationLinkCarriesTheRequestedLanguage() async throws {
        let web = WebHarness()
        let reply = try await SubscribeTests.subscribe(
            web, [("email", "kim@example.org"), ("city", "busan"), ("lang", "en")])
        #expect(reply.status == .seeOther)
        let url = try #require(await web.store.queuedConfirmations.last?.confirmURL)
        #expect(url.hasSuffix("?lang=en"), "\(url)")
        let bare = String(url.dropFirst("https://concerts.example.org".count).prefix { $0 != "?" })
        let copied = try await web.get(bare, headers: [.acceptLanguage: "ko"])
        #expect(copied.body.contains("<html lang=\"en\""), "a link without its query: the request's language")
        let page = try await web.get(
            String(url.dropFirst("https://concerts.example.org".count)),
            headers: [.acceptLanguage: "ko"])
        #expect(page.body.contains("<html lang=\"en\""))
        let confirmed = try await web.post(
            String(url.dropFirst("https://concerts.example.org".count)),
            form: [("csrf", page.csrf!)], headers: [.acceptLanguage: "ko"])
        #expect(confirmed.body.contains("<html lang=\"en\""))
    }
}

extension TokenPageTests {
    /// A used confirmation link says so and hands out no control of the subscription: anyone who
    /// has the link (a forwarded mail) would get it for 48 hours. The citizen who double-clicked is
    /// told where their links are: in every email concertd sends them.
    @Test func aUsedConfirmationLinkSaysAlreadyConfirmedAndHandsOutNoManageLink() async throws {
        let web = WebHarness()
        let path = try await Self.requestConfirmation(web)
        let page = try await web.get(path)
        let confirmed = try await web.post(path + "?lang=en", form: [("csrf", page.csrf!)])
        #expect(confirmed.link(startingWith: "/manage/") != nil, "the first confirmation shows the manage link")
        for browser in ["the same", "another"] {
            if browser == "another" { web.forgetCookies() }
            let form = try await web.get(path)
            let again = try await web.post(path + "?lang=en", form: [("csrf", form.csrf!)])
            #expect(again.status == .ok, "\(browser)")
            #expect(again.body.contains("This subscription was confirmed before"), "\(browser)")
            #expect(again.body.contains("Every reminder has the links"), "\(browser)")
            #expect(!again.body.contains("email"), "a channel confirmed twice reads the same page: \(browser)")
            for kind in ["/manage/", "/unsubscribe/", "/undo/"] {
                #expect(again.link(startingWith: kind) == nil, "\(browser) browser got a \(kind) link")
            }
        }
        #expect(await web.store.subscriptions.count == 1)
    }

    /// A manage link from a reminder sent before an unsubscribe and its undo leads to the live
    /// subscription the undo made (through the undo records only), and acts on it; so do the old
    /// unsubscribe and undo links.
    @Test func oldLinksLeadToTheSubscriptionAnUndoMade() async throws {
        let web = WebHarness()
        let settings = SubscriptionSettings(cities: ["busan"], offsets: ["1d"], language: .en)
        let old = await web.store.addSubscription(.email("kim@example.org"), settings: settings)
        let stranger = await web.store.addSubscription(.email("lee@example.org"), settings: settings)
        let key = try await web.frontDoor.keys.signingKey(now: web.now)
        let oldManage = "/manage/" + old.token(for: .manage, with: key)
        let oldUnsubscribe = "/unsubscribe/" + old.token(for: .unsubscribe, with: key)
        let first = try await web.get(oldManage)
        let gone = try await web.post(oldManage, form: [("csrf", first.csrf!), ("action", "unsubscribe")])
        let undo = try #require(gone.link(startingWith: "/undo/"))
        let restored = try await web.post(undo, form: [("csrf", gone.csrf!)])
        let newManage = try #require(restored.link(startingWith: "/manage/"))
        #expect(newManage != oldManage)
        let new = try #require(await web.store.subscriptions.first { $0.key != old && $0.key != stranger }?.key)
        #expect(await web.store.state(of: new) == .active)

        // The old manage link: to the new subscription's page, with the query kept.
        let opened = try await web.get(oldManage + "?lang=ko")
        #expect(opened.status == .seeOther)
        #expect(opened.headers[.location] == newManage + "?lang=ko")
        let page = try await web.get(newManage)
        #expect(page.body.contains("<form"), "the live subscription's page has its forms")
        // A POST to the old manage link acts on the live subscription and leads to its page.
        let paused = try await web.post(oldManage, form: [("csrf", page.csrf!), ("action", "pause")])
        #expect(paused.status == .seeOther)
        #expect(paused.headers[.location]?.hasPrefix(newManage + "?") == true)
        #expect(await web.store.state(of: new) == .paused)
        #expect(await web.store.state(of: old) == .removed, "removed stays final")
        // The old one-click link stops the live subscription: the citizen asked for no more mail.
        let oneClick = try await web.send(
            .post, oldUnsubscribe, headers: [.contentType: "application/x-www-form-urlencoded"],
            body: "List-Unsubscribe=One-Click")
        #expect(oneClick.status == .ok)
        #expect(await web.store.state(of: new) == .removed)
        // The first undo link again: the live end of the chain is removed, so it is restored.
        let again = try await web.post(undo, form: [("csrf", gone.csrf!)])
        #expect(again.status == .ok)
        let live = await web.store.subscriptions.filter { $0.value.state == .active }.map(\.key)
        #expect(Set(live).subtracting([stranger]).count == 1)
        #expect(await web.store.state(of: stranger) == .active, "no link reached another subscription")
        #expect(await web.store.settings(of: stranger) == settings)
    }
}
