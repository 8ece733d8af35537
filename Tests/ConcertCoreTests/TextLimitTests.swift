import Testing

@testable import ConcertCore

@Suite struct TextLimitTests {
    @Test func textWithinTheLimitIsUnchanged() {
        let text = String(repeating: "가", count: 2000)
        #expect(TextLimit.truncate(text, maxUTF16: 2000) == text)
    }

    @Test func cutNeverSplitsACharacterAndEndsWithAnEllipsis() {
        // Each "🇰🇷" is one Character of four UTF-16 code units.
        let text = String(repeating: "a🇰🇷", count: 100)
        let cut = TextLimit.truncate(text, maxUTF16: 12)
        #expect(cut == "a🇰🇷a🇰🇷a…")
        #expect(cut.utf16.count <= 12)
    }

    @Test func byteLimitCountsUTF8() {
        let cut = TextLimit.truncate(String(repeating: "한", count: 10), maxUTF16: 100, maxUTF8: 10)
        #expect(cut == "한한…")
        #expect(cut.utf8.count <= 10)
    }

    @Test func trailingWhitespaceBeforeTheEllipsisIsDropped() {
        #expect(TextLimit.truncate("one two three", maxUTF16: 9) == "one two…")
    }
}
