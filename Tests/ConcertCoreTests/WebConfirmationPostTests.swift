import Foundation
import Testing

@testable import ConcertCore

/// The confirmation request posted into a chat channel, in each format the web offers.
@Suite struct WebConfirmationPostTests {
    static let confirm = "https://concerts.example.org/confirm/AbC-123_x?lang=en"
    static let moment = Date(timeIntervalSince1970: 1_571_000_000)

    @Test(arguments: [
        ("slack", "https://hooks.slack.com/services/T0/B0/Secret1"),
        ("discord", "https://discord.com/api/webhooks/1/Secret1"),
        ("mattermost", "https://chat.example.org/hooks/Secret1"),
        ("teams", "https://prod-00.westus.logic.azure.com/workflows/Secret1/triggers/manual/paths/invoke?sig=s"),
        ("googlechat", "https://chat.googleapis.com/v1/spaces/A/messages?key=k&token=Secret1"),
        ("telegram", "https://api.telegram.org/botSecret1/sendMessage?chat_id=-100123"),
        ("dooray", "https://hook.dooray.com/services/1/2/Secret1"),
        ("jandi", "https://wh.jandi.com/connect-api/webhook/1/Secret1"),
        ("kakaowork", "https://kakaowork.com/bots/hook/Secret1"),
    ])
    func eachChatFormatCarriesTheLinkInItsOwnShape(format: String, url: String) throws {
        for language in [Language.ko, .en] {
            let request = try WebConfirmationPost.request(
                url: url, format: format, confirmURL: Self.confirm, language: language, now: Self.moment)
            let body = String(decoding: request.body, as: UTF8.self)
            #expect(body.contains(Self.confirm), "\(format) \(language): \(body)")
            #expect(request.headers.contains { $0.name == "Content-Type" && $0.value.hasPrefix("application/json") })
            let (subject, _) = WebConfirmationPost.words(confirmURL: Self.confirm, language: language)
            #expect(body.contains(subject), "\(format) \(language)")
            // Telegram's token stays in the path, where its API expects it; nothing puts it in the body.
            #expect(!body.contains("Secret1"), "\(format)")
        }
    }

    @Test func eachConfirmationRequestHasAnIdempotencyKeyOfItsOwn() throws {
        let url = "https://hooks.slack.com/services/T0/B0/Secret1"
        let first = try WebConfirmationPost.request(
            url: url, format: "slack", confirmURL: Self.confirm, language: .ko, now: Self.moment)
        let second = try WebConfirmationPost.request(
            url: url, format: "slack", confirmURL: Self.confirm, language: .ko, now: Self.moment)
        let keys = [first, second].map { $0.headers.first { $0.name == "Idempotency-Key" }?.value }
        #expect(keys[0] != nil && keys[0] != keys[1])
    }

    @Test func theGenericFormatIsNotOffered() {
        #expect(throws: (any Error).self) {
            try WebConfirmationPost.request(
                url: "https://example.org/hook", format: "generic", confirmURL: Self.confirm, language: .en,
                now: Self.moment)
        }
    }

    /// The page's button is named in the message, in both languages, with the word the pages use
    /// for a button (버튼).
    @Test func theMessageNamesThePagesButton() {
        #expect(WebConfirmationPost.words(confirmURL: Self.confirm, language: .ko).body.contains("\"구독 확인\" 버튼"))
        #expect(WebConfirmationPost.words(confirmURL: Self.confirm, language: .en).body.contains("\"Confirm\""))
    }
}
