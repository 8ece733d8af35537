import ConcertCore
import Foundation
import HTTPTypes
import Hummingbird
import Testing

@testable import ConcertWeb

@Suite(.timeLimit(.minutes(1)))
struct FrontPageTests {
    @Test func frontPageListsEachCityWithItsNextConcertInKoreanByDefault() async throws {
        let web = WebHarness()
        let page = try await web.get("/")
        #expect(page.status == .ok)
        #expect(page.body.contains("<html lang=\"ko\">"))
        #expect(page.body.contains("<h3>부산</h3>"))
        #expect(page.body.contains("2019년 10월 24일 (목) 14:00"))
        #expect(page.body.contains("datetime=\"2019-10-24T14:00:00+09:00\""))
        #expect(page.body.contains("김 교수"))
        // Catalog text is escaped, never markup.
        #expect(page.body.contains("벡스코 &lt;제2전시장&gt;"))
        #expect(
            page.body.contains(
                "<h3>세종</h3><p class=\"none\">예정된 콘서트가 없습니다. 새 콘서트가 발표되면 구독자에게 알려 드립니다.</p>"))
        #expect(page.headers[.contentLanguage] == "ko")
    }

    @Test func acceptLanguageChoosesEnglishAndTheLinkOverridesIt() async throws {
        let web = WebHarness()
        let english = try await web.get("/", headers: [.acceptLanguage: "fr;q=0.9, en-GB;q=0.8, ko;q=0.1"])
        #expect(english.body.contains("<html lang=\"en\">"))
        #expect(english.body.contains("Thu 24 October 2019, 14:00"))
        #expect(english.body.contains("href=\"/?lang=ko\""))
        let korean = try await web.get("/?lang=ko", headers: [.acceptLanguage: "en"])
        #expect(korean.body.contains("<html lang=\"ko\">"))
        let unknown = try await web.get("/", headers: [.acceptLanguage: "de, fr"])
        #expect(unknown.body.contains("<html lang=\"ko\">"))
    }

    /// Each page's title names the page and the site once; the front page's is the site's name.
    @Test func pageTitlesDoNotRepeatTheSiteName() async throws {
        let web = WebHarness()
        for language in ["ko", "en"] {
            let page = try await web.get("/?lang=" + language)
            let title = try #require(page.capture("<title>([^<]*)</title>"))
            let site = Words(language: WebLanguage(rawValue: language)!).siteName
            #expect(title == site, "\(title)")
        }
        let missing = try await web.get("/nothing-here?lang=en")
        let title = try #require(missing.capture("<title>([^<]*)</title>"))
        #expect(title.hasSuffix(" · Smart City citizen talk concerts: reminders"), "\(title)")
    }

    /// On a phone the form comes after sixteen city cards: a link before them leads to it.
    @Test func aLinkBeforeTheCitiesLeadsToTheForm() async throws {
        for (language, label) in [("ko", "알림 신청하기"), ("en", "Subscribe")] {
            let page = try await WebHarness().get("/?lang=" + language)
            let link = try #require(page.body.range(of: "<a class=\"jump\" href=\"#subscribe\">\(label)</a>"))
            let cities = try #require(page.body.range(of: "<ul class=\"cities\""))
            #expect(link.upperBound < cities.lowerBound, "\(language)")
            #expect(page.body.contains("<h2 id=\"subscribe\">"))
        }
    }

    @Test func everyPageCarriesAStrictPolicyAndNoScript() async throws {
        let web = WebHarness()
        for path in ["/", "/nowhere", "/confirm/xyz", "/style.css", "/check-inbox"] {
            let reply = try await web.get(path)
            #expect(reply.headers[.contentSecurityPolicy] == WebResponseMiddleware.contentSecurityPolicy, "\(path)")
            #expect(reply.headers[.referrerPolicy] == "no-referrer", "\(path)")
            #expect(reply.headers[.xContentTypeOptions] == "nosniff", "\(path)")
            #expect(!reply.body.contains("<script"), "\(path)")
            #expect(!reply.body.contains("style=\""), "\(path)")
        }
        #expect(WebResponseMiddleware.contentSecurityPolicy.contains("default-src 'none'"))
        #expect(!WebResponseMiddleware.contentSecurityPolicy.contains("unsafe-inline"))
        let missing = try await web.get("/nowhere")
        #expect(missing.status == .notFound)
        #expect(missing.body.contains("페이지를 찾을 수 없습니다"))
    }

    @Test func everyFormFieldHasALabelAndTheChoicesAFieldsetWithALegend() async throws {
        let web = WebHarness()
        let page = try await web.get("/")
        #expect(page.body.contains("<label for=\"email\">"))
        #expect(page.body.contains("id=\"email\" name=\"email\" type=\"email\" autocomplete=\"email\" required"))
        for city in ["busan", "sejong"] {
            #expect(page.body.contains("id=\"city-\(city)\""))
            #expect(page.body.contains("<label for=\"city-\(city)\">"))
        }
        #expect(page.body.components(separatedBy: "<legend>").count - 1 == 3)
        #expect(page.body.contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"))
        // The configured offsets are checked; the others offered unchecked.
        #expect(page.body.contains("value=\"7d\" checked"))
        #expect(page.body.contains("value=\"3h\"><label"))
    }

    @Test func withoutEmailThePageSaysSoAndOffersNoEmailForm() async throws {
        let web = WebHarness(settings: WebSettings(baseURL: "http://127.0.0.1:8080", emailEnabled: false))
        let page = try await web.get("/")
        #expect(page.body.contains("이메일을 보내지 않으므로"))
        #expect(!page.body.contains("name=\"email\""))
        #expect(!page.body.contains("<form"))
        let post = try await web.post(
            "/subscribe", form: [("csrf", page.csrf ?? ""), ("email", "a@example.org"), ("city", "busan")])
        #expect(post.status != .seeOther)
        #expect(await web.store.queuedConfirmations.isEmpty)
    }

    @Test func webhookFormAppearsOnlyWhenWebWebhooksIsOn() async throws {
        let off = try await WebHarness().get("/")
        #expect(!off.body.contains("name=\"webhook\""))
        let on = try await WebHarness(settings: WebSettings(baseURL: "https://c.example.org", webhooksEnabled: true))
            .get("/")
        #expect(on.body.contains("name=\"webhook\""))
        #expect(on.body.contains("<option value=\"slack\">"))
    }

    @Test func theFrontPageIsRenderedOncePerSecondOfTheClock() async throws {
        let store = InMemoryWebStore()
        let web = WebHarness(store: store)
        _ = try await web.get("/")
        await store.setCities([])
        let cached = try await web.get("/")
        #expect(cached.body.contains("<h3>부산</h3>"))
        web.advance(.seconds(1))
        let fresh = try await web.get("/")
        #expect(!fresh.body.contains("<h3>부산</h3>"))
        // Each browser gets its own CSRF token inside the cached page.
        web.forgetCookies()
        let other = try await web.get("/")
        #expect(other.csrf != fresh.csrf)
    }
}

extension InMemoryWebStore {
    func setCities(_ cities: [CityListing]) {
        self.cities = cities
    }
}
