import ConcertShared
import Foundation
import Testing

/// The one reader of times that the daemon, the catalog, `--clock-start` and concertctl share.
@Suite struct KoreaTimeParsingTests {
    @Test(arguments: [
        ("2019-10-29T14:00+09:00", "2019-10-29T14:00:00+09:00"),
        ("2019-10-29T05:00Z", "2019-10-29T14:00:00+09:00"),
        ("2019-10-29T14:00", "2019-10-29T14:00:00+09:00"),
        (" 2019-10-29 14:00:30 ", "2019-10-29T14:00:30+09:00"),
        ("2019-10-28T21:00-08:00", "2019-10-29T14:00:00+09:00"),
        ("2019-10-29T14:00+23:59", "2019-10-28T23:01:00+09:00"),
    ])
    func timesAreReadInKoreaTimeUnlessAnOffsetIsGiven(_ text: String, _ expected: String) throws {
        guard case .instant(let date) = try KoreaTime.moment(text) else {
            Issue.record("'\(text)' is no instant")
            return
        }
        #expect(KoreaTime.iso8601(date) == expected)
    }

    @Test func aDateIsADay() throws {
        #expect(try KoreaTime.moment("2019-10-27") == .date(LocalDate(year: 2019, month: 10, day: 27)))
    }

    @Test(arguments: [
        ("29.10.2019", KoreaTime.MomentError.Problem.form), ("2019-10-29T14", .form), ("2019-10-29T14:00+9", .form),
        ("+999-01-01", .form), ("2019-+1-01", .form), ("99999-01-01", .form), ("2019-10-29X14:00", .form),
        ("2019-10-29T14:00++1:00", .form), ("2019-10-29T14:00 +09:00", .form), ("", .form),
        ("2019-02-29", .calendar), ("2019-13-01T10:00", .calendar), ("2019-10-29T24:00", .calendar),
        ("2019-10-29T14:60", .calendar), ("2019-10-29T14:00:60", .calendar),
        ("2019-10-29T14:00+24:00", .offset), ("2019-10-29T14:00-09:60", .offset),
    ])
    func eachRefusalSaysWhatIsWrong(_ text: String, _ problem: KoreaTime.MomentError.Problem) {
        #expect(throws: KoreaTime.MomentError(text, problem)) { try KoreaTime.moment(text) }
        #expect(KoreaTime.parseMoment(text) == nil)
    }

    @Test func theMessagesNameTheTextAndTheWayToWriteIt() {
        #expect(
            "\(KoreaTime.MomentError("2019/11/02", .form))"
                == "'2019/11/02' is not an ISO 8601 date or time: write 2019-11-02, 2019-11-02T14:00 (Korea time) or 2019-11-02T14:00+09:00"
        )
        #expect("\(KoreaTime.MomentError("2019-02-30", .calendar))" == "'2019-02-30' is not a real date and time")
        #expect(
            "\(KoreaTime.MomentError("2019-11-02T14:00+25:00", .offset))"
                == "'2019-11-02T14:00+25:00' has an impossible UTC offset")
    }

    @Test(arguments: [
        ("2019-11-02T14:00", "2019-11-02T14:00+09:00"), (" 2019-11-02T14:00:30 ", "2019-11-02T14:00:30+09:00"),
        ("2019-11-02", "2019-11-02"), ("2019-11-02T14:00Z", "2019-11-02T14:00Z"),
        ("2019-11-02T14:00-05:00", "2019-11-02T14:00-05:00"),
    ])
    func aTimeWithoutOffsetGetsKoreasWhenSentOn(_ text: String, _ sent: String) throws {
        #expect(try KoreaTime.withOffset(text) == sent)
    }
}
