import Foundation
import Testing

@testable import ConcertCore

/// With the web front door on, every email names its own one-click unsubscribe link (signed, the
/// subscription id masked) in `List-Unsubscribe`, and both bodies end with it and the manage link,
/// whatever the templates say; a Python parser reads them so.
@Suite struct EmailWebLinksTests {
    let key = TokenKey.generate(now: EmailFixtures.now)

    func settings(mailto: Bool) -> EmailSettings {
        var settings = EmailSettings(
            fromAddress: "alerts@concertd.example.org",
            unsubscribeMailto: mailto ? "unsubscribe@concertd.example.org" : nil,
            unsubscribeURLTemplate: "https://own.example.org/u/{subscription}")
        settings.webLinks = WebLinks(baseURL: "https://concerts.example.org/", key: key)
        return settings
    }

    @Test func theFrontDoorsLinksComeInTheHeaderAndAtTheEndOfBothBodies() throws {
        let settings = settings(mailto: true)
        let data = try EmailFixtures.build(
            EmailFixtures.message(.reminder), EmailFixtures.content(.reminder, language: .ko), settings: settings)
        let parsed = try PythonEmailPeer.parse(data)
        let unsubscribe = try #require(settings.webLinks?.url(.unsubscribe, subject: EmailFixtures.subscriptionID))
        let manage = try #require(settings.webLinks?.url(.manage, subject: EmailFixtures.subscriptionID))
        #expect(unsubscribe.hasPrefix("https://concerts.example.org/unsubscribe/"))
        #expect(!unsubscribe.contains(EmailFixtures.subscriptionID), "the id is masked")
        #expect(
            parsed.listUnsubscribe
                == "<mailto:unsubscribe@concertd.example.org?subject=unsubscribe%20\(EmailFixtures.subscriptionID)>, <\(unsubscribe)>"
        )
        #expect(parsed.listUnsubscribePost == "List-Unsubscribe=One-Click")
        let text = try #require(parsed.parts.first { $0.contentType == "text/plain" }?.content)
            .replacingOccurrences(of: "\r\n", with: "\n")
        let html = try #require(parsed.parts.first { $0.contentType == "text/html" }?.content)
        #expect(text.hasSuffix("수신 거부: \(unsubscribe)\n알림 설정 바꾸기: \(manage)\n"), "\(text.suffix(300))")
        #expect(html.contains("<a href=\"\(unsubscribe)\">수신 거부</a>"))
        #expect(html.contains("<a href=\"\(manage)\">"))
        #expect(html.range(of: manage)!.lowerBound < html.range(of: "</body>")!.lowerBound)
        // The token names this subscription for unsubscribing only.
        let token = String(unsubscribe.split(separator: "/").last!)
        #expect(
            WebToken.verify(token, for: .unsubscribe, key: { $0 == key.id ? key : nil })
                == .success(EmailFixtures.subscriptionID))
        #expect(WebToken.verify(token, for: .manage, key: { $0 == key.id ? key : nil }) == .failure(.wrongPurpose))
    }

    @Test func withoutASigningKeyTheOperatorsTemplateIsUsedAndNoFooterAdded() throws {
        var settings = settings(mailto: false)
        settings.webLinks = WebLinks(baseURL: "https://concerts.example.org")
        let parsed = try PythonEmailPeer.parse(
            EmailFixtures.build(
                EmailFixtures.message(.reminder), EmailFixtures.content(.reminder, language: .ko), settings: settings))
        #expect(parsed.listUnsubscribe == "<https://own.example.org/u/\(EmailFixtures.subscriptionID)>")
        #expect(parsed.listUnsubscribePost == "List-Unsubscribe=One-Click")
        let text = try #require(parsed.parts.first { $0.contentType == "text/plain" }?.content)
            .replacingOccurrences(of: "\r\n", with: "\n")
        #expect(!text.contains("concerts.example.org"))
    }

    @Test func aLoopbackHTTPFrontDoorStillOffersOneClick() throws {
        var settings = EmailSettings(fromAddress: "alerts@concertd.example.org")
        settings.webLinks = WebLinks(baseURL: "http://127.0.0.1:8080", key: key)
        let parsed = try PythonEmailPeer.parse(
            EmailFixtures.build(
                EmailFixtures.message(.reminder), EmailFixtures.content(.reminder, language: .en), settings: settings))
        #expect(parsed.listUnsubscribe?.hasPrefix("<http://127.0.0.1:8080/unsubscribe/") == true)
        #expect(parsed.listUnsubscribePost == "List-Unsubscribe=One-Click")
    }

    @Test func everyTokenOfEverySubjectRoundTripsAndAnyAlterationIsRefused() {
        for subject in ["sub-k3m9q2xw7d", "req-abcdefghijkl", "x", String(repeating: "z", count: 16)] {
            for purpose in TokenPurpose.allCases {
                let token = WebToken.sign(subject, for: purpose, with: key)!
                #expect(token.count == WebToken.textLength)
                #expect(WebToken.verify(token, for: purpose, key: { _ in key }) == .success(subject))
                var bytes = Array(token.utf8)
                bytes[10] = bytes[10] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
                if case .success = WebToken.verify(
                    String(decoding: bytes, as: UTF8.self), for: purpose, key: { _ in key })
                {
                    Issue.record("an altered token verified")
                }
            }
        }
        #expect(WebToken.sign(String(repeating: "z", count: 17), for: .manage, with: key) == nil)
        #expect(WebToken.sign("", for: .manage, with: key) == nil)
        #expect(WebToken.sign("한", for: .manage, with: key) == nil)
    }
}
