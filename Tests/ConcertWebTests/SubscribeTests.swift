import Foundation
import HTTPTypes
import Hummingbird
import Testing

@testable import ConcertCore
@testable import ConcertWeb

@Suite(.timeLimit(.minutes(1)))
struct SubscribeTests {
    /// Loads the front page (cookie and CSRF token) and posts the subscribe form.
    static func subscribe(
        _ web: WebHarness, _ fields: [(String, String)], peer: String = "198.51.100.7"
    ) async throws -> WebHarness.Reply {
        let page = try await web.get("/", peer: peer)
        return try await web.post("/subscribe?lang=ko", form: [("csrf", page.csrf!)] + fields, peer: peer)
    }

    @Test func aKnownAndAnUnknownAddressGetTheSameAnswer() async throws {
        let web = WebHarness()
        let first = try await Self.subscribe(web, [("email", "kim@example.org"), ("city", "busan")])
        let again = try await Self.subscribe(web, [("email", "kim@example.org"), ("city", "busan")])
        let other = try await Self.subscribe(web, [("email", "lee@example.org"), ("city", "busan")])
        for reply in [first, again, other] {
            #expect(reply.status == .seeOther)
            #expect(reply.headers[.location] == "/check-inbox?lang=ko")
            #expect(reply.body.isEmpty)
        }
        let queued = await web.store.queuedConfirmations
        #expect(queued.count == 3)
        #expect(queued[0].channel == .email("kim@example.org"))
        #expect(
            queued[0].settings == SubscriptionSettings(cities: ["busan"], offsets: ["7d", "1d", "1h"], language: .ko))
        #expect(queued[0].confirmURL.hasPrefix("https://concerts.example.org/confirm/"))
        #expect(queued[0].expires == web.now + .seconds(48 * 3600))
        // No address, and no sequential id, in the link or the rate-limit keys.
        #expect(!queued[0].confirmURL.contains("kim"))
        #expect(!queued[0].channelKey.contains("kim"))
        #expect(queued[0].confirmURL != queued[1].confirmURL)
        let inbox = try await web.get("/check-inbox?lang=ko")
        #expect(inbox.body.contains("메일함을 확인하세요"))
    }

    @Test func chosenOffsetsCitiesAndLanguageAreKeptInTheFormsOrder() async throws {
        let web = WebHarness()
        let reply = try await Self.subscribe(
            web,
            [
                ("email", "kim@example.org"), ("city", "sejong"), ("city", "busan"), ("city", "busan"),
                ("before", "1h"),
                ("before", "3d"), ("lang", "en"),
            ])
        #expect(reply.status == .seeOther)
        let queued = try #require(await web.store.queuedConfirmations.first)
        #expect(
            queued.settings == SubscriptionSettings(cities: ["busan", "sejong"], offsets: ["3d", "1h"], language: .en))
    }

    @Test(arguments: [
        ([("city", "busan")], "이메일 주소를 입력해 주세요."),
        ([("email", ""), ("city", "busan")], "이메일 주소를 입력해 주세요."),
        ([("email", "not an address"), ("city", "busan")], "이메일 주소 형식이 아닙니다"),
        ([("email", "kim@example.org")], "지역을 하나 이상 골라 주세요."),
        ([("email", "kim@example.org"), ("city", "atlantis")], "알 수 없는 지역이 있습니다."),
        ([("email", "kim@example.org"), ("city", "busan"), ("before", "5d")], "알 수 없는 알림 시점이 있습니다."),
        ([("email", "kim@example.org"), ("city", "busan"), ("lang", "fr")], "알림 언어를 골라 주세요."),
    ])
    func aFormWithAMissingOrWrongFieldIsShownAgainWithTheProblem(fields: [(String, String)], problem: String)
        async throws
    {
        let web = WebHarness()
        let reply = try await Self.subscribe(web, fields)
        #expect(reply.status == .badRequest)
        #expect(reply.body.contains("role=\"alert\""))
        #expect(reply.body.contains(problem))
        #expect(reply.csrf != nil)
        #expect(await web.store.queuedConfirmations.isEmpty)
    }

    @Test func whatWasTypedIsShownAgainEscaped() async throws {
        let web = WebHarness()
        let reply = try await Self.subscribe(web, [("email", "\"><script>x</script>@example.org"), ("city", "busan")])
        #expect(reply.status == .badRequest)
        #expect(!reply.body.contains("<script>"))
        #expect(reply.body.contains("&quot;&gt;&lt;script&gt;"))
    }

    @Test func malformedRepeatedAndOversizedBodiesAreRefusedWithAPage() async throws {
        let web = WebHarness()
        let page = try await web.get("/")
        let csrf = page.csrf!
        let malformed = try await web.send(
            .post, "/subscribe", headers: [.contentType: "application/x-www-form-urlencoded"],
            body: "csrf=\(csrf)&email=%zz&city=busan")
        #expect(malformed.status == .badRequest)
        #expect(malformed.body.contains("요청을 처리할 수 없습니다"))
        let invalidUTF8 = try await web.send(
            .post, "/subscribe", headers: [.contentType: "application/x-www-form-urlencoded"],
            body: "csrf=\(csrf)&email=%C3%28@example.org&city=busan")
        #expect(invalidUTF8.status == .badRequest)
        let repeated = try await web.post(
            "/subscribe",
            form: [("csrf", csrf), ("email", "a@example.org"), ("email", "b@example.org"), ("city", "busan")])
        #expect(repeated.status == .badRequest)
        let huge = try await web.post(
            "/subscribe", form: [("csrf", csrf), ("email", String(repeating: "a", count: 20_000) + "@example.org")])
        #expect(huge.status == .contentTooLarge)
        #expect(huge.body.contains("보낸 내용이 너무 큽니다"))
        let json = try await web.send(.post, "/subscribe", headers: [.contentType: "application/json"], body: "{}")
        #expect(json.status == .badRequest)
        let manyFields = try await web.send(
            .post, "/subscribe", headers: [.contentType: "application/x-www-form-urlencoded"],
            body: "csrf=\(csrf)&" + Array(repeating: "city=busan", count: 100).joined(separator: "&"))
        #expect(manyFields.status == .badRequest)
        #expect(await web.store.queuedConfirmations.isEmpty)
    }

    @Test func aPostWithoutTheRightCSRFTokenChangesNothing() async throws {
        let web = WebHarness()
        let page = try await web.get("/")
        let good = page.csrf!
        let form = [("email", "kim@example.org"), ("city", "busan")]
        let none = try await web.post("/subscribe", form: form)
        let wrong = try await web.post("/subscribe", form: [("csrf", "AAAAAAAAAAAAAAAAAAAAAAAAAAA")] + form)
        let otherCookie = try await web.post(
            "/subscribe", form: [("csrf", good)] + form, headers: [.cookie: "concertd_csrf=BBBBBBBBBBBBBBBBBBBBBB"])
        let noCookie = try await web.post("/subscribe", form: [("csrf", good)] + form, headers: [.cookie: "x=y"])
        let crossOrigin = try await web.post(
            "/subscribe", form: [("csrf", good)] + form, headers: [.origin: "https://evil.example"])
        let crossSite = try await web.post(
            "/subscribe", form: [("csrf", good)] + form, headers: [HTTPField.Name("Sec-Fetch-Site")!: "cross-site"])
        for reply in [none, wrong, otherCookie, noCookie] {
            #expect(reply.status == .forbidden)
            #expect(reply.body.contains("양식이 만료되었습니다"))
        }
        for reply in [crossOrigin, crossSite] {
            #expect(reply.status == .forbidden)
            #expect(reply.body.contains("다른 사이트에서 보낸 요청입니다"))
        }
        #expect(await web.store.queuedConfirmations.isEmpty)
        let sameOrigin = try await web.post(
            "/subscribe", form: [("csrf", good)] + form, headers: [.origin: "https://concerts.example.org"])
        #expect(sameOrigin.status == .seeOther)
    }

    /// Every page is served with `Referrer-Policy: no-referrer`, so a browser posts its forms with
    /// `Origin: null`: taken when Fetch Metadata says the post came from our own origin (or when the
    /// browser sends no Fetch Metadata and the CSRF token is good), refused when it says cross-site.
    @Test func aFormPostedFromANoReferrerPageWithOriginNullIsTakenWhenSameOrigin() async throws {
        let site = HTTPField.Name("Sec-Fetch-Site")!
        let cases: [(HTTPFields, HTTPResponse.Status)] = [
            ([.origin: "null", site: "same-origin"], .seeOther),
            ([.origin: "null"], .seeOther),
            ([site: "same-origin"], .seeOther),
            ([.origin: "https://concerts.example.org", site: "same-origin"], .seeOther),
            ([.origin: "null", site: "cross-site"], .forbidden),
            ([.origin: "null", site: "same-site"], .forbidden),
            ([.origin: "https://evil.example", site: "same-origin"], .forbidden),
            ([.origin: "https://concerts.example.org", site: "cross-site"], .forbidden),
        ]
        for (index, (headers, status)) in cases.enumerated() {
            let web = WebHarness()
            let page = try await web.get("/")
            let form = [("csrf", page.csrf!), ("email", "kim\(index)@example.org"), ("city", "busan")]
            let reply = try await web.post("/subscribe", form: form, headers: headers)
            #expect(reply.status == status, "\(headers)")
            #expect(await web.store.queuedConfirmations.count == (status == .seeOther ? 1 : 0), "\(headers)")
            let noToken = try await web.post("/subscribe", form: Array(form.dropFirst()), headers: headers)
            #expect(noToken.status == .forbidden, "the token is needed whatever the headers: \(headers)")
        }
    }

    /// A form refused for its headers (another site's page posted it) says so, not that it expired.
    @Test func aCrossOriginPostIsRefusedWithAPageSayingItCameFromElsewhere() async throws {
        let site = HTTPField.Name("Sec-Fetch-Site")!
        for (language, expected) in [("ko", "다른 사이트"), ("en", "another site")] {
            let web = WebHarness()
            let page = try await web.get("/")
            let reply = try await web.post(
                "/subscribe?lang=" + language,
                form: [("csrf", page.csrf!), ("email", "kim@example.org"), ("city", "busan")],
                headers: [.origin: "https://evil.example", site: "cross-site"])
            #expect(reply.status == .forbidden)
            #expect(reply.body.contains(expected), "\(language)")
            #expect(!reply.body.contains("만료") && !reply.body.contains("expired"), "\(language)")
        }
    }

    /// Control characters in the address (a CRLF, a tab) are the address's error, shown at the field.
    @Test func controlCharactersInTheAddressAreTheFieldsError() async throws {
        for email in ["a@example.org\r\nBcc: x@y.z", "a@exam\tple.org"] {
            let web = WebHarness()
            let page = try await web.get("/?lang=en")
            let reply = try await web.post(
                "/subscribe?lang=en", form: [("csrf", page.csrf!), ("email", email), ("city", "busan")])
            #expect(reply.status == .badRequest)
            #expect(reply.body.contains("That is not an email address"), "\(email)")
            #expect(!reply.body.contains("could not be read"))
            #expect(!reply.body.contains("\r\nBcc"))
            #expect(await web.store.queuedConfirmations.isEmpty)
        }
        let otherFields: [(String, String, String)] = [
            ("city", "busan\r\n", "An unknown municipality was chosen."),
            ("before", "1d\n", "An unknown time was chosen."),
            ("lang", "en\r\n", "Choose the language."),
        ]
        for (name, value, problem) in otherFields {
            let web = WebHarness()
            let page = try await web.get("/?lang=en")
            var form = [("csrf", page.csrf!), ("email", "kim@example.org"), ("city", "busan")]
            form.removeAll { $0.0 == name }
            let reply = try await web.post("/subscribe?lang=en", form: form + [(name, value)])
            #expect(reply.status == .badRequest, "\(name)")
            #expect(reply.body.contains(problem), "\(name)")
        }
        let web = WebHarness(settings: WebSettings(baseURL: "https://c.example.org", webhooksEnabled: true))
        let page = try await web.get("/?lang=en")
        let reply = try await web.post(
            "/subscribe?lang=en",
            form: [
                ("csrf", page.csrf!), ("webhook", "https://hooks.slack.com/services/T/B\r\nX: y"), ("format", "slack"),
                ("city", "busan"),
            ])
        #expect(reply.status == .badRequest)
        #expect(reply.body.contains("That is not an https webhook URL"))
        #expect(await web.store.queuedConfirmations.isEmpty)
    }

    /// The confirmation email names the button its page shows, in both languages.
    @Test func theConfirmationMailNamesThePagesButton() {
        for language in [ConcertCore.Language.ko, .en] {
            let mail = WebConfirmationMail.words(confirmURL: "https://x.example/confirm/T", language: language)
            let button = Words(language: language == .ko ? .ko : .en).confirmButton
            #expect(mail.body.contains("\"" + button + "\"") || mail.body.contains("“" + button + "”"), "\(language)")
        }
    }

    @Test func aThousandRapidPostsFromOneClientQueueNoMoreThanTheLimit() async throws {
        let web = WebHarness()
        let page = try await web.get("/")
        var statuses: [HTTPResponse.Status: Int] = [:]
        var lastRefusal: WebHarness.Reply?
        for index in 0..<1000 {
            let reply = try await web.post(
                "/subscribe", form: [("csrf", page.csrf!), ("email", "user\(index)@example.org"), ("city", "busan")])
            statuses[reply.status, default: 0] += 1
            if reply.status == .tooManyRequests { lastRefusal = reply }
        }
        #expect(statuses == [.seeOther: 10, .tooManyRequests: 990])
        #expect(await web.store.queuedConfirmations.count == 10)
        let refusal = try #require(lastRefusal)
        #expect(refusal.body.contains("요청이 너무 많습니다"))
        #expect(refusal.headers[.retryAfter] == "3600")
        // Another client is not held back by this one.
        let other = try await Self.subscribe(
            web, [("email", "other@example.org"), ("city", "busan")], peer: "203.0.113.9")
        #expect(other.status == .seeOther)
        // After the window, the first client may ask again.
        web.advance(.seconds(3600))
        let later = try await web.post(
            "/subscribe", form: [("csrf", page.csrf!), ("email", "later@example.org"), ("city", "busan")])
        #expect(later.status == .seeOther)
    }

    @Test func oneAddressGetsNoMoreConfirmationsThanItsLimitFromManyClients() async throws {
        let web = WebHarness()
        var statuses: [HTTPResponse.Status] = []
        for client in 1...5 {
            let reply = try await Self.subscribe(
                web, [("email", "Kim@Example.org"), ("city", "busan")], peer: "203.0.113.\(client)")
            statuses.append(reply.status)
        }
        #expect(statuses == [.seeOther, .seeOther, .seeOther, .tooManyRequests, .tooManyRequests])
        #expect(await web.store.queuedConfirmations.count == 3)
    }

    @Test func forwardedForCountsOnlyFromATrustedProxy() async throws {
        let settings = WebSettings(baseURL: "https://concerts.example.org", isTrustedProxy: { $0 == "127.0.0.1" })
        let web = WebHarness(settings: settings)
        let page = try await web.get("/")
        // Through the proxy, each forwarded client has its own count.
        for client in 1...12 {
            let reply = try await web.post(
                "/subscribe", form: [("csrf", page.csrf!), ("email", "u\(client)@example.org"), ("city", "busan")],
                headers: [HTTPField.Name("X-Forwarded-For")!: "203.0.113.\(client)"], peer: "127.0.0.1")
            #expect(reply.status == .seeOther)
        }
        // From anyone else, the header is ignored: the peer is counted.
        var statuses: [HTTPResponse.Status] = []
        for client in 1...12 {
            let reply = try await web.post(
                "/subscribe", form: [("csrf", page.csrf!), ("email", "v\(client)@example.org"), ("city", "busan")],
                headers: [HTTPField.Name("X-Forwarded-For")!: "203.0.113.\(client)"], peer: "198.51.100.50")
            statuses.append(reply.status)
        }
        #expect(statuses.filter { $0 == .seeOther }.count == 10)
    }

    @Test func theClientAddressIsTheRightMostUntrustedHop() {
        let trusted: (String) -> Bool = { $0.hasPrefix("10.") || $0 == "127.0.0.1" }
        func resolve(_ peer: String, _ header: [String]) -> String {
            ClientAddress.resolve(peer: peer, forwardedFor: header, isTrustedProxy: trusted).text
        }
        #expect(resolve("127.0.0.1", ["203.0.113.1, 10.0.0.2"]) == "203.0.113.1")
        #expect(resolve("127.0.0.1", ["198.51.100.1, 203.0.113.1"]) == "203.0.113.1")
        #expect(resolve("127.0.0.1", ["203.0.113.1", "10.0.0.3"]) == "203.0.113.1")
        #expect(resolve("127.0.0.1", ["garbage, 10.0.0.2"]) == "10.0.0.2")
        #expect(resolve("127.0.0.1", []) == "127.0.0.1")
        #expect(resolve("198.51.100.9", ["203.0.113.1"]) == "198.51.100.9")
        #expect(ClientAddress(text: "2001:db8:1:2:3:4:5:6").limitSubject == "2001:db8:1:2::/64")
    }
}
