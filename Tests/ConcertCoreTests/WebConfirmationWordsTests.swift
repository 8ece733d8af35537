import Foundation
import Testing

@testable import ConcertCore

/// The confirmation email and chat post name the cities and offsets the request asked for, so the
/// subscriber sees what the button confirms.
@Suite struct WebConfirmationWordsTests {
    let cities = ["busan", "daegu"].compactMap(MessageFixtures.catalog.city(id:))
    let offsets = [ReminderOffset(seconds: 3600), ReminderOffset(seconds: 86_400)]

    @Test func theMailNamesTheCitiesAndOffsets() {
        let english = WebConfirmationMail.words(
            confirmURL: "https://x.example/confirm/T", cities: cities, offsets: offsets, language: .en)
        #expect(
            english.body.contains("Municipalities: Busan and Daegu\nReminders: 1 day and 1 hour before each concert"))
        let korean = WebConfirmationMail.words(
            confirmURL: "https://x.example/confirm/T", cities: cities, offsets: offsets, language: .ko)
        #expect(korean.body.contains("지역: 부산·대구\n알림: 콘서트 1일 전, 1시간 전"), "\(korean.body)")
    }

    /// The mail names the page's button with the word the pages use for a button (버튼).
    @Test func theKoreanMailCallsTheButtonAsThePagesDo() {
        let korean = WebConfirmationMail.words(confirmURL: "https://x.example/confirm/T", language: .ko)
        #expect(korean.body.contains("\"구독 확인\" 버튼"), "\(korean.body)")
    }

    @Test func theChatPostNamesThemToo() throws {
        let request = try WebConfirmationPost.request(
            url: "https://hooks.slack.com/services/T/B/x", format: "slack", confirmURL: "https://x.example/confirm/T",
            cities: cities, offsets: offsets, language: .en, now: Date())
        let body = try #require(try JSONSerialization.jsonObject(with: request.body) as? [String: Any])
        let text = try #require(body["text"] as? String)
        #expect(text.contains("Municipalities: Busan and Daegu"), "\(text)")
    }
}
