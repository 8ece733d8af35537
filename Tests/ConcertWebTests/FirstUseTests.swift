import ConcertCore
import Foundation
import HTTPTypes
import Hummingbird
import Testing

@testable import ConcertWeb

/// What a first user met: a city whose concert is over, a confirmation page that did not say what
/// was asked for, an error page in the wrong language, an unsubscribe button that looked like pause.
@Suite(.timeLimit(.minutes(1)))
struct FirstUseTests {
    static let past = CityListing(
        id: "daegu", name: Localized(ko: "대구", en: "Daegu"), next: nil,
        last: ConcertListing(
            when: Localized(ko: "2019년 10월 2일 (수) 14:00", en: "Wed 2 October 2019, 14:00"),
            machineStart: "2019-10-02T14:00:00+09:00", venue: nil, speaker: nil))

    @Test func aCityWhoseConcertIsOverSaysWhenItWasHeldAndWhyItIsOffered() async throws {
        let web = WebHarness(store: InMemoryWebStore(cities: InMemoryWebStore.sampleCities + [Self.past]))
        let english = try await web.get("/?lang=en")
        #expect(
            english.body.contains(
                "<h3>Daegu</h3><p class=\"none\">Held on <time datetime=\"2019-10-02T14:00:00+09:00\">Wed 2 October 2019, 14:00</time>. No concert is planned. Subscribers are told when a new one is announced.</p>"
            ), "\(english.body)")
        // Offered, saying it has no concert ahead; a city with one carries no such note.
        #expect(
            english.body.contains(
                "<label for=\"city-daegu\">Daegu <span class=\"hint\">(no concert planned)</span></label>"))
        #expect(english.body.contains("<label for=\"city-busan\">Busan</label>"))
        let korean = try await web.get("/?lang=ko")
        #expect(
            korean.body.contains(
                "<p class=\"none\"><time datetime=\"2019-10-02T14:00:00+09:00\">2019년 10월 2일 (수) 14:00</time>에 열렸습니다. 예정된 콘서트가 없습니다."
            ))
    }

    @Test func theConfirmationPageNamesTheCitiesAndOffsetsAskedFor() async throws {
        let web = WebHarness()
        let reply = try await SubscribeTests.subscribe(
            web,
            [
                ("email", "kim@example.org"), ("city", "busan"), ("city", "sejong"), ("before", "1d"),
                ("before", "1h"), ("lang", "en"),
            ])
        #expect(reply.status == .seeOther)
        let url = try #require(await web.store.queuedConfirmations.last?.confirmURL)
        let path = String(url.dropFirst("https://concerts.example.org".count).prefix { $0 != "?" })
        let page = try await web.get(path)
        #expect(page.status == .ok)
        #expect(
            page.body.contains(
                "<dl><dt>Municipalities</dt><dd>Busan, Sejong</dd><dt>Reminders</dt><dd>1 day before, 1 hour before</dd></dl>"
            ), "\(page.body)")
        #expect(page.body.contains("<button type=\"submit\">Confirm</button>"))
    }

    @Test func aBadOneClickBodyIsAnsweredInTheSubscriptionsLanguage() async throws {
        let web = WebHarness()
        let reference = await web.store.addSubscription(
            .email("kim@example.org"), settings: SubscriptionSettings(cities: ["busan"], offsets: ["1d"], language: .en)
        )
        let token = reference.token(for: .unsubscribe, with: try await web.frontDoor.keys.signingKey(now: web.now))
        web.forgetCookies()
        let bad = try await web.send(
            .post, "/unsubscribe/" + token, headers: [.contentType: "application/x-www-form-urlencoded"],
            body: "List-Unsubscribe=Yes")
        #expect(bad.status == .badRequest)
        #expect(bad.body.contains("<html lang=\"en\">"), "\(bad.body)")
        #expect(bad.body.contains("The request could not be read"))
        #expect(await web.store.state(of: reference) == .active)
    }

    @Test func theManagePagesUnsubscribeIsApartFromPauseAndSaysItIsFinal() async throws {
        let web = WebHarness()
        let reference = await web.store.addSubscription(
            .email("kim@example.org"), settings: SubscriptionSettings(cities: ["busan"], offsets: ["1d"], language: .en)
        )
        let token = reference.token(for: .manage, with: try await web.frontDoor.keys.signingKey(now: web.now))
        let page = try await web.get("/manage/" + token)
        let pause = try #require(page.body.range(of: "value=\"pause\""))
        let unsubscribe = try #require(
            page.body.range(
                of:
                    "<button type=\"submit\" class=\"danger\" name=\"action\" value=\"unsubscribe\">Unsubscribe for good</button>"
            ), "\(page.body)")
        #expect(pause.upperBound < unsubscribe.lowerBound)
        // Separate forms under separate headings: pause's form ends before the unsubscribe heading.
        let between = page.body[pause.upperBound..<unsubscribe.lowerBound]
        #expect(between.contains("</form>") && between.contains("<h2>Unsubscribe</h2>"))
        #expect(Stylesheet.css.contains("button.danger{"))
    }
}
