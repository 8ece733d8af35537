import Foundation
import Testing

@testable import ConcertCore

/// The iCalendar text itself: escaping, folding and the event's fields.
@Suite(.timeLimit(.minutes(1)))
struct EmailCalendarTests {
    private func calendar(_ message: OutboundMessage, description: String = "설명") -> String {
        ICalendar.event(
            for: message, description: description, organizer: ("alerts@example.org", "알림 \"봇\""),
            attendee: "citizen@example.com")
    }

    @Test func textValuesEscapeBackslashSemicolonCommaAndLineBreaks() {
        #expect(ICalendar.text("a\\b;c,d\ne\r\nf\rg\u{7}") == "a\\\\b\\;c\\,d\\ne\\nf\\ng")
    }

    @Test func linesAreFoldedAt75OctetsBetweenCharacters() {
        let line = "DESCRIPTION:" + String(repeating: "대구 스마트시티 토크콘서트, ", count: 10)
        let folded = ICalendar.fold(line)
        let lines = folded.components(separatedBy: "\r\n")
        #expect(lines.count > 4)
        #expect(lines.allSatisfy { $0.utf8.count <= 75 })
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix(" ") })
        #expect(folded.replacingOccurrences(of: "\r\n ", with: "") == line)
    }

    @Test func timedConcertStartsInSeoulTime() {
        let text = calendar(EmailFixtures.message(.reminder))
        #expect(text.contains("\r\nDTSTART;TZID=Asia/Seoul:20191029T140000\r\n"))
        #expect(text.contains("\r\nDTEND;TZID=Asia/Seoul:20191029T160000\r\n"))
        #expect(text.contains("\r\nDTSTAMP:20191028T050000Z\r\n"))
        #expect(
            text.contains(
                "\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\nTZOFFSETFROM:+0900\r\nTZOFFSETTO:+0900\r\nTZNAME:KST\r\n"
            ))
        #expect(text.hasPrefix("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//concertd//concertd 0.1//KO\r\n"))
        #expect(text.hasSuffix("END:VEVENT\r\nEND:VCALENDAR\r\n"))
    }

    @Test func dateOnlyConcertIsAllDayWithAnExclusiveEnd() {
        let text = calendar(EmailFixtures.message(.reminder, concertID: "sejong-2019"))
        #expect(text.contains("\r\nDTSTART;VALUE=DATE:20191027\r\n"))
        #expect(text.contains("\r\nDTEND;VALUE=DATE:20191029\r\n"))
    }

    @Test func sequenceIsTheRevisionMinusOne() {
        #expect(calendar(EmailFixtures.message(.reminder, revision: 1)).contains("\r\nSEQUENCE:0\r\n"))
        #expect(calendar(EmailFixtures.message(.change, revision: 4)).contains("\r\nSEQUENCE:3\r\n"))
    }

    @Test func cancelledConcertIsCancelledWhateverTheMessageKind() {
        let message = EmailFixtures.message(.test, cancelled: true)
        #expect(ICalendar.method(for: message) == .cancel)
        #expect(calendar(message).contains("\r\nSTATUS:CANCELLED\r\n"))
    }

    @Test func organizerNameIsAQuotedParameterWithoutQuotes() {
        #expect(
            calendar(EmailFixtures.message(.reminder)).contains(
                "\r\nORGANIZER;CN=\"알림 봇\":mailto:alerts@example.org\r\n"))
    }

    @Test func summaryFallsBackToTheCitiesInTheSubscribersLanguage() {
        #expect(ICalendar.summary(of: EmailFixtures.message(.reminder), in: .ko) == "대구 스마트시티 시민 토크콘서트")
        #expect(
            ICalendar.summary(of: EmailFixtures.message(.reminder), in: .en)
                == "Smart City citizen talk concert (Daegu)")
        #expect(ICalendar.location(of: EmailFixtures.message(.reminder), in: .en) == "Daegu")
    }
}
