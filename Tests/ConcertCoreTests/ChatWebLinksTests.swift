import Foundation
import Testing

@testable import ConcertCore

/// With the web front door on, every chat message ends with its subscription's unsubscribe and
/// manage links, in the link syntax of its service; a message cut to a service's limit keeps
/// them whole. `generic` (read by programs) and messages without links are left as they were.
@Suite struct ChatWebLinksTests {
    static let key = TokenKey.generate(now: Date(timeIntervalSince1970: 1_570_000_000))
    static let webLinks = WebLinks(baseURL: "https://concerts.example.org/", key: key)

    static func message(format: String, language: Language = .en, long: Bool = false) -> OutboundMessage {
        var message = MessageFixtures.message(
            kind: .reminder, language: language,
            channel: .webhook(url: MessageFixtures.urls[format]!, format: format, secret: nil))
        if long {
            var concert = message.concert.concert
            let title = String(repeating: "스마트시티🎤 ", count: 2000)
            concert.title = LocalizedText(ko: title, en: title)
            message.concert.concert = concert
        }
        return message
    }

    /// The JSON body of the request `format` makes for `message`, the way the daemon's channel does.
    static func body(_ message: OutboundMessage, links: Bool = true) throws -> [String: Any] {
        let request = try WebhookFormatRegistry.request(
            for: message, rendered: MessageRenderer().render(message), attemptTime: Date(),
            links: links ? webLinks.subscriberLinks(for: message.subscription.id) : nil)
        return try #require(try JSONSerialization.jsonObject(with: request.body) as? [String: Any])
    }

    static func text(of body: [String: Any], format: String) throws -> String {
        switch format {
        case "discord": return try #require(body["content"] as? String)
        case "jandi": return try #require(body["body"] as? String)
        case "teams":
            let attachments = try #require(body["attachments"] as? [[String: Any]])
            let card = try #require(attachments.first?["content"] as? [String: Any])
            let blocks = try #require(card["body"] as? [[String: Any]])
            return blocks.compactMap { $0["text"] as? String }.joined(separator: "\n")
        default: return try #require(body["text"] as? String)
        }
    }

    @Test(arguments: [
        ("slack", "<{U}|Unsubscribe> · <{M}|Manage your reminders>"),
        ("googlechat", "<{U}|Unsubscribe> · <{M}|Manage your reminders>"),
        ("discord", "[Unsubscribe]({U}) · [Manage your reminders]({M})"),
        ("mattermost", "[Unsubscribe]({U}) · [Manage your reminders]({M})"),
        ("teams", "[Unsubscribe]({U}) · [Manage your reminders]({M})"),
        ("dooray", "[Unsubscribe]({U}) · [Manage your reminders]({M})"),
        ("jandi", "[[Unsubscribe]]({U}) · [[Manage your reminders]]({M})"),
        ("telegram", "Unsubscribe: {U}\nManage your reminders: {M}"),
        ("kakaowork", "Unsubscribe: {U}\nManage your reminders: {M}"),
    ])
    func eachChatFormatEndsWithTheLinksInItsOwnSyntax(format: String, ending: String) throws {
        let message = Self.message(format: format)
        let links = try #require(Self.webLinks.subscriberLinks(for: message.subscription.id))
        #expect(links.unsubscribeURL.hasPrefix("https://concerts.example.org/unsubscribe/"))
        #expect(links.manageURL.hasPrefix("https://concerts.example.org/manage/"))
        let expected =
            ending.replacingOccurrences(of: "{U}", with: links.unsubscribeURL)
            .replacingOccurrences(of: "{M}", with: links.manageURL)
        let text = try Self.text(of: Self.body(message), format: format)
        #expect(text.hasSuffix("\n" + expected), "\(format): \(text.suffix(400))")
        // The message itself comes first, whole.
        let rendered = MessageRenderer().render(message)
        let firstLine = String(rendered.text.split(separator: "\n").first!)
        #expect(text.hasPrefix(firstLine))
        // Without links (the front door off) the text is the rendered one alone.
        let plain = try Self.text(of: Self.body(message, links: false), format: format)
        #expect(!plain.contains("concerts.example.org"))
    }

    @Test func theLinksAreInTheSubscribersLanguage() throws {
        let message = Self.message(format: "slack", language: .ko)
        let text = try Self.text(of: Self.body(message), format: "slack")
        let links = try #require(Self.webLinks.subscriberLinks(for: message.subscription.id))
        #expect(text.hasSuffix("<\(links.unsubscribeURL)|수신 거부> · <\(links.manageURL)|알림 설정 바꾸기>"))
    }

    @Test(arguments: [("discord", 2000), ("telegram", 4096), ("mattermost", 16_383)])
    func aMessageCutToTheLimitKeepsItsLinksWhole(format: String, limit: Int) throws {
        let message = Self.message(format: format, long: true)
        let text = try Self.text(of: Self.body(message), format: format)
        let links = try #require(Self.webLinks.subscriberLinks(for: message.subscription.id))
        #expect(text.utf16.count <= limit)
        #expect(text.contains("…\n\n"), "the cut comes before the links")
        #expect(text.hasSuffix(links.manageURL) || text.hasSuffix(links.manageURL + ")"))
    }

    @Test func genericCarriesNoLinksInItsText() throws {
        var message = MessageFixtures.message(kind: .reminder, language: .en)
        message.subscription.channel = .webhook(
            url: MessageFixtures.urls["generic"]!, format: "generic", secret: MessageFixtures.secret)
        let body = try Self.body(message)
        #expect(!(try #require(body["text"] as? String)).contains("concerts.example.org"))
    }
}
