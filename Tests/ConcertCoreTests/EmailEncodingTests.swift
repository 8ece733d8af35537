import Foundation
import Testing

@testable import ConcertCore

/// RFC 2047 words, base64 and quoted-printable lines, header folding.
@Suite(.timeLimit(.minutes(1)))
struct EmailEncodingTests {
    private func decodedWords(_ words: [String]) throws -> [String] {
        try words.map { word in
            let bytes = try #require(Data(base64Encoded: String(word.dropFirst(10).dropLast(2))))
            return try #require(String(validating: bytes, as: UTF8.self))
        }
    }

    @Test func encodedWordsHoldWholeCharactersAndJoinToTheText() throws {
        let text = String(repeating: "스마트시티 토크콘서트 알림 ", count: 5)
        let words = MIMEEncoding.encodedWords(text, firstWordLimit: 60)
        #expect(words.count > 3)
        #expect(words[0].count <= 60)
        #expect(words.allSatisfy { $0.count <= 75 })
        #expect(try decodedWords(words).joined() == text)
    }

    @Test func emojiSequenceLongerThanAWordIsSplitBetweenScalars() throws {
        // 11 scalars, 41 bytes: fits a word of 45 bytes, not the 33 bytes a word of 59 characters holds
        let family = "👨‍👩‍👧‍👦👨‍👩‍👧"
        let words = MIMEEncoding.encodedWords(family, firstWordLimit: 56)
        #expect(words.allSatisfy { $0.count <= 75 })
        #expect(try decodedWords(words).joined() == family)
    }

    @Test func emptyTextHasNoWords() {
        #expect(MIMEEncoding.encodedWords("") == [])
    }

    @Test func base64LinesAre76CharactersLong() {
        let lines = MIMEEncoding.base64Lines(Array(repeating: UInt8(0xEC), count: 200)).components(separatedBy: "\r\n")
        #expect(lines.dropLast().allSatisfy { $0.count == 76 })
        #expect(lines.last!.count <= 76)
        #expect(Data(base64Encoded: lines.joined()) == Data(repeating: 0xEC, count: 200))
    }

    @Test func quotedPrintableKeepsLinesShortAndEncodesTrailingWhitespace() {
        let text = "a = b \n" + String(repeating: "x", count: 100) + "\r\n대구\t"
        let encoded = MIMEEncoding.quotedPrintable(text)
        let lines = encoded.components(separatedBy: "\r\n")
        #expect(lines[0] == "a =3D b=20")
        #expect(lines.allSatisfy { $0.count <= 76 })
        #expect(lines[1].hasSuffix("=") && lines[1].count == 76)
        #expect(lines.last == "=EB=8C=80=EA=B5=AC=09")
        #expect(!encoded.contains("=_"))
    }

    @Test func quotedPrintableNeverSplitsAnEscape() {
        let lines = MIMEEncoding.quotedPrintable(String(repeating: "é", count: 40)).components(separatedBy: "\r\n")
        for line in lines {
            #expect(line.count <= 76)
            #expect(line.replacingOccurrences(of: "=C3=A9", with: "").allSatisfy { $0 == "=" })
        }
    }

    @Test func canonicalTextUsesCRLFForEveryLineBreak() {
        #expect(MIMEEncoding.canonicalText("a\nb\r\nc\rd") == Array("a\r\nb\r\nc\r\nd".utf8))
    }

    @Test func foldedFieldBreaksBetweenTokensOnly() {
        let field = MailHeader.field(
            "List-Unsubscribe", [String(repeating: "a", count: 50) + ",", String(repeating: "b", count: 40)])
        #expect(
            field == "List-Unsubscribe: " + String(repeating: "a", count: 50) + ",\r\n "
                + String(repeating: "b", count: 40) + "\r\n")
    }

    @Test func headerTextLosesLineBreaksAndControlCharacters() {
        #expect(MailHeader.singleSpaced("  a\r\nBcc: x\t\u{7}b  ") == "a Bcc: x b")
        #expect(
            MailHeader.unstructured("Subject", "Hi\r\nBcc: evil@example.com") == "Subject: Hi Bcc: evil@example.com\r\n"
        )
    }

    @Test func textThatLooksEncodedIsEncoded() {
        #expect(MailHeader.unstructured("Subject", "=?UTF-8?B?x?=").hasPrefix("Subject: =?UTF-8?B?PT9"))
    }

    @Test func messageIDKeyIsWrittenAsADotAtomWithoutCollisions() {
        #expect(EmailMessageBuilder.dotAtom("sub-1.daegu-2019.r1.reminder.3600") == "sub-1.daegu-2019.r1.reminder.3600")
        #expect(EmailMessageBuilder.dotAtom("a b") == "a=20b")
        #expect(EmailMessageBuilder.dotAtom("a=20b") == "a=3D20b")
        #expect(EmailMessageBuilder.dotAtom(".a..b.") == "=2Ea.=2Eb=2E")
        #expect(EmailMessageBuilder.dotAtom("") == "concertd")
    }

    @Test func dateIsWrittenWithoutTheMachineLocale() {
        #expect(MailHeader.date(Fixtures.korea("2019-10-29T14:00:05")) == "Tue, 29 Oct 2019 14:00:05 +0900")
        #expect(MailHeader.date(Date(timeIntervalSince1970: -1)) == "Thu, 1 Jan 1970 08:59:59 +0900")
    }
}
