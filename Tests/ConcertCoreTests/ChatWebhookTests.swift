import Foundation
import Testing

@testable import ConcertCore

/// What each chat format does beyond wrapping the text: limits, escaping, URLs, headers.
@Suite struct ChatWebhookTests {
    /// A message whose title alone is far longer than Discord allows, with Hangul and emoji at every position.
    static func longMessage() -> OutboundMessage {
        var concert = MessageFixtures.catalog.concert(id: "daegu-2019")!
        let title = String(repeating: "스마트시티🎤 ", count: 500)
        concert.title = LocalizedText(ko: title, en: title)
        return MessageFixtures.message(
            kind: .reminder, concertID: concert.id, cities: ["daegu"], offset: 3600, now: "2019-10-29T13:00+09:00",
            language: .ko, channel: .webhook(url: MessageFixtures.urls["discord"]!, format: "discord", secret: nil),
            concert: concert)
    }

    static func json(_ request: HTTPRequest) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: request.body) as? [String: Any])
    }

    @Test func discordContentIsCutAt2000Characters() throws {
        let message = Self.longMessage()
        let full = MessageRenderer().render(message).text
        #expect(full.utf16.count > 2000)
        let content = try #require(
            try Self.json(try MessageFixtures.request(format: "discord", message: message))["content"] as? String)
        #expect(content.utf16.count <= 2000)
        #expect(content.utf16.count >= 1990)
        #expect(content.hasSuffix("…"))
        #expect(full.hasPrefix(String(content.dropLast())))
    }

    @Test func discordContentUnderTheLimitIsKeptWhole() throws {
        let message = MessageFixtures.message(kind: .reminder, language: .ko)
        let body = try Self.json(try MessageFixtures.request(format: "discord", message: message))
        #expect(body["content"] as? String == MessageRenderer().render(message).text)
        #expect((body["allowed_mentions"] as? [String: Any])?["parse"] as? [Any] != nil)
    }

    @Test func telegramIsCutAt4096CharactersAndSlackIsNot() throws {
        let message = Self.longMessage()
        let telegram = try #require(
            try Self.json(try MessageFixtures.request(format: "telegram", message: message))["text"] as? String)
        #expect(telegram.utf16.count <= 4096 && telegram.hasSuffix("…"))
        let slack = try #require(
            try Self.json(try MessageFixtures.request(format: "slack", message: message))["text"] as? String)
        #expect(!slack.hasSuffix("…"))
    }

    @Test func slackEscapesOnlyAmpersandAndAngleBrackets() throws {
        var concert = MessageFixtures.catalog.concert(id: "busan-2019")!
        concert.title = LocalizedText(ko: #"<!channel> R&D "스마트" 'x'"#, en: "x")
        let message = MessageFixtures.message(
            kind: .test, concertID: concert.id, cities: ["busan"], now: "2019-10-25T08:30+09:00", language: .ko,
            channel: .webhook(url: MessageFixtures.urls["slack"]!, format: "slack", secret: nil), concert: concert)
        let slack = try #require(
            try Self.json(try MessageFixtures.request(format: "slack", message: message))["text"] as? String)
        #expect(slack.contains(#"&lt;!channel&gt; R&amp;D "스마트" 'x'"#))
        let discord = try #require(
            try Self.json(try MessageFixtures.request(format: "discord", message: message))["content"] as? String)
        #expect(discord.contains(#"<!channel> R&D "스마트" 'x'"#))
    }

    @Test func telegramPostsToTheURLWithoutQueryAndPutsChatIDInTheBody() throws {
        let message = MessageFixtures.message(kind: .reminder, language: .ko)
        let request = try MessageFixtures.request(format: "telegram", message: message)
        #expect(request.url == "https://api.telegram.org/bot123456:ABC-DEF1234ghIkl/sendMessage")
        let body = try Self.json(request)
        #expect(body["chat_id"] as? Int64 == -1_001_234_567_890)
        #expect(body["text"] as? String == MessageRenderer().render(message).text)
        #expect(body["parse_mode"] == nil)
    }

    @Test func telegramChannelNamesAndTopicsAreKept() throws {
        let message = MessageFixtures.message(kind: .test, language: .en)
        let rendered = MessageRenderer().render(message)
        let request = try TelegramWebhook().request(
            for: WebhookInput(
                message: message, rendered: rendered,
                url: "https://api.telegram.org/bot1:abc/sendMessage?chat_id=%40concert_news&message_thread_id=7",
                secret: nil, attemptTime: MessageFixtures.attemptTime))
        let text = String(decoding: request.body, as: UTF8.self)
        #expect(text.hasPrefix(#"{"chat_id":"@concert_news","message_thread_id":7,"text":"#))
    }

    @Test func telegramURLWithoutChatIDIsRefusedWithoutShowingTheToken() {
        let url = "https://api.telegram.org/bot987654:SECRETTOKEN/sendMessage"
        let problem = TelegramWebhook().problem(withURL: url)
        #expect(problem?.contains("chat_id") == true)
        let message = MessageFixtures.message(kind: .test, language: .en)
        #expect {
            try TelegramWebhook().request(
                for: WebhookInput(
                    message: message, rendered: MessageRenderer().render(message), url: url, secret: nil,
                    attemptTime: Date()))
        } throws: { error in
            "\(error)".contains("chat_id") && !"\(error)".contains("SECRETTOKEN")
        }
        #expect(TelegramWebhook().problem(withURL: url + "?chat_id=1&parse_mode=HTML")?.contains("parse_mode") == true)
        #expect(TelegramWebhook().problem(withURL: url + "?chat_id=1") == nil)
    }

    @Test func jandiAsksForTheV2API() throws {
        let request = try MessageFixtures.request(
            format: "jandi", message: MessageFixtures.message(kind: .reminder, language: .ko))
        #expect(request.header("Accept") == "application/vnd.tosslab.jandi-v2+json")
        #expect(try Self.json(request)["body"] is String)
    }

    @Test func teamsCardHasTheSubjectInBoldAndOneTextBlockPerLine() throws {
        let message = MessageFixtures.message(kind: .reminder, language: .en)
        let rendered = MessageRenderer().render(message)
        let body = try Self.json(try MessageFixtures.request(format: "teams", message: message))
        #expect(body["type"] as? String == "message")
        let attachment = try #require((body["attachments"] as? [[String: Any]])?.first)
        #expect(attachment["contentType"] as? String == "application/vnd.microsoft.card.adaptive")
        let card = try #require(attachment["content"] as? [String: Any])
        #expect(card["type"] as? String == "AdaptiveCard")
        #expect(card["version"] as? String == "1.4")
        let blocks = try #require(card["body"] as? [[String: Any]])
        #expect(blocks.first?["text"] as? String == rendered.subject)
        #expect(blocks.first?["weight"] as? String == "Bolder")
        let lines = rendered.text.split(separator: "\n").map(String.init)
        #expect(blocks.map { $0["text"] as? String } == lines)
        #expect(blocks.allSatisfy { $0["type"] as? String == "TextBlock" && $0["wrap"] as? Bool == true })
    }

    @Test func doorayNamesTheBot() throws {
        let body = try Self.json(
            try MessageFixtures.request(format: "dooray", message: MessageFixtures.message(kind: .test, language: .ko)))
        #expect(body["botName"] as? String == "concertd")
        #expect(body["text"] is String)
    }
}
