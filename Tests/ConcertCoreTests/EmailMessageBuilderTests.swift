import Foundation
import Testing

@testable import ConcertCore

/// Messages read back by Python's `email` and `icalendar` packages, as a mail client would.
@Suite(.timeLimit(.minutes(1)))
struct EmailMessageBuilderTests {
    @Test(arguments: Delivery.Kind.allCases, Language.allCases)
    func everyKindInBothLanguagesParsesWithoutDefects(kind: Delivery.Kind, language: Language) throws {
        // Given a message of this kind about the Daegu concert (14:00–16:00 on 29 October 2019)
        let content = EmailFixtures.content(kind, language: language)
        let data = try EmailFixtures.build(EmailFixtures.message(kind, language: language), content)

        // When Python reads it
        let parsed = try PythonEmailPeer.parse(data)

        // Then it sees no defect, and the headers and parts carry the input unchanged
        #expect(parsed.defects == [])
        #expect(parsed.subject == content.subject)
        #expect(parsed.fromName == "스마트시티 토크콘서트 알림")
        #expect(parsed.fromAddress == "alerts@concertd.example.org")
        #expect(parsed.to == ["citizen@example.com"])
        #expect(parsed.replyTo == ["help@concertd.example.org"])
        #expect(parsed.mimeVersion == "1.0")
        #expect(parsed.autoSubmitted == "auto-generated")
        #expect(
            parsed.structure == [
                "multipart/mixed", "multipart/alternative", "text/plain", "text/html", "text/calendar",
            ])
        let text = try #require(parsed.part("text/plain"))
        #expect(text.charset == "utf-8")
        #expect(text.content.replacingOccurrences(of: "\r\n", with: "\n") == content.body)
        let html = try #require(parsed.part("text/html"))
        #expect(html.content.replacingOccurrences(of: "\r\n", with: "\n").contains(content.html))
        #expect(html.content.contains("<html lang=\"\(language.rawValue)\">"))

        // And the calendar holds the concert as one event at 14:00 Korea time
        let method = kind == .cancellation ? "CANCEL" : "REQUEST"
        let attachment = try #require(parsed.part("text/calendar"))
        #expect(attachment.disposition == "attachment")
        #expect(attachment.filename == "concert.ics")
        #expect(attachment.method == method)
        let calendar = try #require(parsed.calendar)
        #expect(calendar.errors == [])
        #expect(calendar.method == method)
        #expect(calendar.status == (kind == .cancellation ? "CANCELLED" : "CONFIRMED"))
        #expect(calendar.productID == "-//concertd//concertd 0.1//KO")
        #expect(calendar.eventCount == 1)
        #expect(calendar.timeZoneIDs == ["Asia/Seoul"])
        #expect(calendar.uid == "daegu-2019@concertd")
        #expect(calendar.sequence == 0)
        #expect(calendar.start == .init(kind: "datetime", iso: "2019-10-29T14:00:00+09:00", utcOffsetSeconds: 32_400))
        #expect(calendar.end == .init(kind: "datetime", iso: "2019-10-29T16:00:00+09:00", utcOffsetSeconds: 32_400))
        #expect(calendar.stamp.iso == "2019-10-28T05:00:00+00:00")
        #expect(calendar.summary == (language == .ko ? "대구 스마트시티 시민 토크콘서트" : "Smart City citizen talk concert (Daegu)"))
        #expect(calendar.description.replacingOccurrences(of: "\r\n", with: "\n") == content.body)
        #expect(calendar.url == "https://www.smartcity.go.kr")
        #expect(calendar.organizer.lowercased() == "mailto:alerts@concertd.example.org")
        #expect(calendar.attendee.lowercased() == "mailto:citizen@example.com")
    }

    @Test func dateOnlyConcertIsAnAllDayEventEndingTheDayAfterItsLastDay() throws {
        // Given Sejong's concert, announced for 27–28 October 2019 without a time
        let message = EmailFixtures.message(.reminder, concertID: "sejong-2019")
        let content = EmailContent(subject: "[알림] 내일 세종 스마트시티 토크콘서트", body: "시간은 아직 발표되지 않았습니다.", html: "<p>시간 미정</p>")

        let parsed = try PythonEmailPeer.parse(EmailFixtures.build(message, content))

        #expect(parsed.defects == [])
        let calendar = try #require(parsed.calendar)
        #expect(calendar.start == .init(kind: "date", iso: "2019-10-27", utcOffsetSeconds: nil))
        #expect(calendar.end == .init(kind: "date", iso: "2019-10-29", utcOffsetSeconds: nil))
        #expect(calendar.uid == "sejong-2019@concertd")
        #expect(calendar.summary == "스마트시티 팔로인(Follow+人)")
        #expect(calendar.location == "세종시청 앞 잔디광장")
    }

    @Test func cancellationCancelsTheSameEventWithAHigherSequence() throws {
        // Given a reminder of revision 1, then the cancellation that made revision 2
        let reminder = try PythonEmailPeer.parse(
            EmailFixtures.build(
                EmailFixtures.message(.reminder, revision: 1), EmailFixtures.content(.reminder, language: .ko)))
        let cancellation = try PythonEmailPeer.parse(
            EmailFixtures.build(
                EmailFixtures.message(.cancellation, revision: 2), EmailFixtures.content(.cancellation, language: .ko)))

        let first = try #require(reminder.calendar)
        let second = try #require(cancellation.calendar)
        #expect(first.uid == second.uid)
        #expect(first.method == "REQUEST")
        #expect(second.method == "CANCEL")
        #expect(second.status == "CANCELLED")
        #expect(second.sequence == first.sequence + 1)
    }

    @Test func changedConcertRaisesTheSequence() throws {
        let message = EmailFixtures.message(.change, revision: 3)
        let parsed = try PythonEmailPeer.parse(
            EmailFixtures.build(message, EmailFixtures.content(.change, language: .en)))
        #expect(parsed.calendar?.sequence == 2)
        #expect(parsed.calendar?.method == "REQUEST")
    }

    @Test func koreanTextIsSentInBase64AndEnglishInQuotedPrintable() throws {
        let korean = try PythonEmailPeer.parse(
            EmailFixtures.build(EmailFixtures.message(.reminder), EmailFixtures.content(.reminder, language: .ko)))
        let english = try PythonEmailPeer.parse(
            EmailFixtures.build(
                EmailFixtures.message(.reminder, language: .en), EmailFixtures.content(.reminder, language: .en)))

        #expect(korean.part("text/plain")?.transferEncoding == "base64")
        #expect(korean.part("text/html")?.transferEncoding == "base64")
        #expect(english.part("text/plain")?.transferEncoding == "quoted-printable")
        #expect(english.part("text/html")?.transferEncoding == "quoted-printable")
        #expect(english.part("text/calendar")?.transferEncoding == "base64")
    }

    @Test func longKoreanSubjectIsSplitIntoShortWordsOnCharacterBoundaries() throws {
        // Given a subject far longer than a line, with Hangul, an emoji sequence of 25 bytes and ASCII
        let subject = "[알림] " + String(repeating: "내일 대구 스마트시티 시민 토크콘서트 👨‍👩‍👧‍👦 ", count: 6) + "끝"
        let content = EmailContent(subject: subject, body: "본문", html: "<p>본문</p>")
        let data = try EmailFixtures.build(EmailFixtures.message(.reminder), content)

        // Then every encoded word is short and holds whole characters
        let subjectLines = EmailFixtures.headerLines(data).drop { !$0.hasPrefix("Subject:") }
            .prefix { $0.hasPrefix("Subject:") || $0.hasPrefix(" ") }
        #expect(subjectLines.count > 5)
        let words = subjectLines.flatMap { $0.split(separator: " ") }.filter { $0.hasPrefix("=?") }
        #expect(!words.isEmpty)
        for word in words {
            #expect(word.count <= 75)
            #expect(word.hasPrefix("=?UTF-8?B?") && word.hasSuffix("?="))
            let base64 = word.dropFirst(10).dropLast(2)
            let bytes = try #require(Data(base64Encoded: String(base64)))
            #expect(String(validating: bytes, as: UTF8.self) != nil, "\(word) splits a character")
        }
        for line in subjectLines { #expect(line.utf8.count <= 78) }

        // And Python decodes the whole subject
        let parsed = try PythonEmailPeer.parse(data)
        #expect(parsed.defects == [])
        #expect(parsed.subject == subject.trimmingCharacters(in: .whitespaces))
    }

    @Test(arguments: Delivery.Kind.allCases, Language.allCases)
    func headerLinesStayWithin78AndEncodedWordsWithin75(kind: Delivery.Kind, language: Language) throws {
        let data = try EmailFixtures.build(
            EmailFixtures.message(kind, language: language), EmailFixtures.content(kind, language: language))
        for line in EmailFixtures.headerLines(data) {
            // Only a token that cannot be broken (the mailto URI here, 81 characters) may make a line longer.
            let tokens = line.split(separator: " ").count - (line.hasPrefix(" ") ? 0 : 1)
            #expect(line.utf8.count <= 78 || tokens == 1 && line.utf8.count <= 998, "\(line)")
            for word in line.split(separator: " ") where word.hasPrefix("=?") {
                #expect(word.count <= 75, "\(word)")
            }
        }
        let lines = String(decoding: data, as: UTF8.self).components(separatedBy: "\r\n")
        let body = lines.dropFirst(EmailFixtures.headerLines(data).count)
        // Part headers within 78 like the message header, base64 and quoted-printable lines within 76.
        #expect(
            body.allSatisfy { $0.utf8.count <= ($0.contains(": ") ? 78 : 76) }, "\(body.filter { $0.utf8.count > 76 })")
    }

    @Test func eachUnsubscribeURIHasALineOfItsOwnWhenTheyDoNotFitOnOne() throws {
        let data = try EmailFixtures.build(
            EmailFixtures.message(.reminder), EmailFixtures.content(.reminder, language: .ko))
        let lines = EmailFixtures.headerLines(data)
        let start = try #require(lines.firstIndex { $0.hasPrefix("List-Unsubscribe:") })
        #expect(
            lines[start]
                == "List-Unsubscribe: <mailto:unsubscribe@concertd.example.org?subject=unsubscribe%20sub-k3m9q2xw7d>,")
        #expect(lines[start + 1] == " <https://concertd.example.org/unsubscribe/sub-k3m9q2xw7d>")
    }

    @Test(arguments: Delivery.Kind.allCases, Language.allCases)
    func everyByteIsSevenBitAndEveryLineEndsInCRLF(kind: Delivery.Kind, language: Language) throws {
        let data = try EmailFixtures.build(
            EmailFixtures.message(kind, language: language), EmailFixtures.content(kind, language: language))
        let bytes = [UInt8](data)
        #expect(bytes.allSatisfy { $0 < 0x80 && $0 != 0 })
        for (index, byte) in bytes.enumerated() {
            if byte == 0x0A { #expect(index > 0 && bytes[index - 1] == 0x0D) }
            if byte == 0x0D { #expect(index + 1 < bytes.count && bytes[index + 1] == 0x0A) }
        }
        #expect(data.suffix(2) == Data([0x0D, 0x0A]))
    }

    @Test func messageIDIsStableForTheSameIdempotencyKey() throws {
        let content = EmailFixtures.content(.reminder, language: .ko)
        let first = try PythonEmailPeer.parse(EmailFixtures.build(EmailFixtures.message(.reminder), content))
        let again = try PythonEmailPeer.parse(EmailFixtures.build(EmailFixtures.message(.reminder), content))
        let other = try PythonEmailPeer.parse(
            EmailFixtures.build(EmailFixtures.message(.reminder, revision: 2), content))

        #expect(first.messageID == "<sub-k3m9q2xw7d_daegu-2019_r1_reminder_86400@concertd.example.org>")
        #expect(again.messageID == first.messageID)
        #expect(other.messageID != first.messageID)
    }

    @Test func messageIDOfAnOddKeyIsStillADotAtom() throws {
        let message = EmailFixtures.message(.test, key: ".test sub=1..<x>@y.")
        let data = try EmailFixtures.build(message, EmailFixtures.content(.test, language: .en))
        let parsed = try PythonEmailPeer.parse(data)
        #expect(parsed.defects == [])
        #expect(parsed.messageID == "<=2Etest=20sub=3D1.=2E=3Cx=3E=40y=2E@concertd.example.org>")
    }

    @Test func dateHeaderIsKoreaTimeOfTheMessage() throws {
        let data = try EmailFixtures.build(
            EmailFixtures.message(.reminder), EmailFixtures.content(.reminder, language: .ko))
        #expect(EmailFixtures.headerLines(data).contains("Date: Mon, 28 Oct 2019 14:00:00 +0900"))
        #expect(try PythonEmailPeer.parse(data).date == "2019-10-28T14:00:00+09:00")
    }

    @Test func mailtoAndOneClickUnsubscribeNameTheSubscription() throws {
        let parsed = try PythonEmailPeer.parse(
            EmailFixtures.build(EmailFixtures.message(.reminder), EmailFixtures.content(.reminder, language: .ko)))
        #expect(
            parsed.listUnsubscribe
                == "<mailto:unsubscribe@concertd.example.org?subject=unsubscribe%20sub-k3m9q2xw7d>, "
                + "<https://concertd.example.org/unsubscribe/sub-k3m9q2xw7d>")
        #expect(parsed.listUnsubscribePost == "List-Unsubscribe=One-Click")
    }

    @Test func oneClickHeaderIsLeftOutWithoutAnHTTPSURL() throws {
        var settings = EmailFixtures.settings
        settings.unsubscribeURLTemplate = nil
        let mailtoOnly = try PythonEmailPeer.parse(
            EmailFixtures.build(
                EmailFixtures.message(.reminder), EmailFixtures.content(.reminder, language: .ko), settings: settings))
        #expect(
            mailtoOnly.listUnsubscribe
                == "<mailto:unsubscribe@concertd.example.org?subject=unsubscribe%20sub-k3m9q2xw7d>")
        #expect(mailtoOnly.listUnsubscribePost == nil)

        settings.unsubscribeMailto = nil
        let neither = try PythonEmailPeer.parse(
            EmailFixtures.build(
                EmailFixtures.message(.reminder), EmailFixtures.content(.reminder, language: .ko), settings: settings))
        #expect(neither.listUnsubscribe == nil)
        #expect(neither.listUnsubscribePost == nil)
    }

    @Test func asciiDisplayNameIsQuotedAndReadBack() throws {
        let data = try EmailFixtures.build(
            EmailFixtures.message(.reminder, language: .en), EmailFixtures.content(.reminder, language: .en),
            settings: EmailFixtures.englishSettings)
        #expect(
            EmailFixtures.headerLines(data).contains(
                "From: \"Smart City talk concert alerts\" <alerts@concertd.example.org>"))
        let parsed = try PythonEmailPeer.parse(data)
        #expect(parsed.fromName == "Smart City talk concert alerts")
        #expect(parsed.replyTo == nil)
        #expect(parsed.listUnsubscribe == nil)
        #expect(parsed.defects == [])
    }

    @Test func asciiSubjectStaysReadableAndFoldsBetweenWords() throws {
        let subject =
            "[Reminder] Tomorrow at 2 p.m.: the Daegu Smart City citizen talk concert with Lee Myeong-ju of ZED"
        let data = try EmailFixtures.build(
            EmailFixtures.message(.reminder, language: .en), EmailContent(subject: subject, body: "x", html: "x"))
        let lines = EmailFixtures.headerLines(data)
        let start = try #require(lines.firstIndex { $0.hasPrefix("Subject: [Reminder] Tomorrow") })
        #expect(lines[start + 1].hasPrefix(" "))
        #expect(!lines[start].contains("=?"))
        #expect(try PythonEmailPeer.parse(data).subject == subject)
    }

    @Test func jointConcertNamesBothCitiesAndTheHostAsLocation() throws {
        let message = EmailFixtures.message(.reminder, concertID: "gongju-buyeo-2019")
        let calendar = try #require(
            try PythonEmailPeer.parse(EmailFixtures.build(message, EmailFixtures.content(.reminder, language: .ko)))
                .calendar)
        let concert = try #require(Fixtures.catalog.concert(id: "gongju-buyeo-2019"))
        #expect(calendar.summary == concert.title?.ko ?? "공주·부여 스마트시티 시민 토크콘서트")
        #expect(calendar.location == concert.venue?.ko ?? "충청남도 공주시")
    }

    @Test func htmlDocumentIsSentAsItIs() throws {
        let document = "<!DOCTYPE html><html><body><p>안녕하세요</p></body></html>"
        let data = try EmailFixtures.build(
            EmailFixtures.message(.test), EmailContent(subject: "테스트", body: "안녕하세요", html: document))
        #expect(try PythonEmailPeer.parse(data).part("text/html")?.content == document)
    }
}
