import Foundation
import Testing

@testable import ConcertCore

@Suite struct MessageWordingTests {
    static func schedule(_ id: String) -> ConcertSchedule { MessageFixtures.catalog.concert(id: id)!.schedule }

    @Test func timedConcertIsWrittenWithWeekdayAndKoreaTime() {
        #expect(MessageWording.when(Self.schedule("daegu-2019"), in: .ko) == "2019년 10월 29일 (화) 14:00–16:00")
        #expect(
            MessageWording.when(Self.schedule("daegu-2019"), in: .en) == "Tuesday 29 October 2019, 14:00–16:00 KST")
        #expect(MessageWording.when(Self.schedule("tongyeong-2019"), in: .ko) == "2019년 10월 25일 (금) 18:30–21:30")
    }

    @Test func dateOnlySejongConcertSaysItsTwoDaysAndThatNoTimeWasAnnounced() {
        #expect(
            MessageWording.when(Self.schedule("sejong-2019"), in: .ko)
                == "2019년 10월 27일 (일) ~ 10월 28일 (월), 시간 미정")
        #expect(
            MessageWording.when(Self.schedule("sejong-2019"), in: .en)
                == "Sunday 27 – Monday 28 October 2019, time not announced")
    }

    @Test func everyCatalogWeekdayMatchesTheCalendar() {
        // Weekdays the source table gives (and the catalog notes confirm), by concert.
        let expected = [
            "daegu-2019": "화", "busan-2019": "금", "gwangju-2019": "목", "daejeon-2019": "수", "incheon-2019": "금",
            "bucheon-2019": "월", "suwon-2019": "목", "changwon-2019": "목", "gimhae-2019": "화", "goyang-2019": "화",
            "gongju-buyeo-2019": "목", "sejong-2019": "일",
        ]
        for (id, weekday) in expected {
            #expect(MessageWording.when(Self.schedule(id), in: .ko).contains("(\(weekday))"), "\(id)")
        }
    }

    @Test func concertAcrossMidnightShowsBothDays() {
        let start = MessageFixtures.moment("2019-12-31T22:00+09:00")
        let end = MessageFixtures.moment("2020-01-01T01:00+09:00")
        #expect(
            MessageWording.when(.timed(start: start, end: end), in: .ko)
                == "2019년 12월 31일 (화) 22:00 ~ 2020년 1월 1일 (수) 01:00")
        #expect(
            MessageWording.when(.timed(start: start, end: end), in: .en)
                == "Tuesday 31 December 2019, 22:00 – Wednesday 1 January 2020, 01:00 KST")
    }

    @Test(arguments: [
        ("2019-10-29T13:00+09:00", "1시간 후", "in 1 hour"),
        ("2019-10-29T13:59:40+09:00", "1분 후", "in 1 minute"),
        ("2019-10-29T12:30+09:00", "1시간 30분 후", "in 1 hour 30 minutes"),
        ("2019-10-29T11:00+09:00", "3시간 후", "in 3 hours"),
        ("2019-10-29T01:00+09:00", "오늘", "today"),
        ("2019-10-28T14:00+09:00", "내일", "tomorrow"),
        ("2019-10-28T23:00+09:00", "내일", "tomorrow"),
        ("2019-10-22T14:00+09:00", "7일 후", "in 7 days"),
        ("2019-10-29T15:00+09:00", "진행 중", "under way"),
        ("2019-10-29T16:00+09:00", "종료", "over"),
    ])
    func howFarAheadIsWorded(now: String, korean: String, english: String) {
        let schedule = Self.schedule("daegu-2019")
        #expect(MessageWording.ahead(from: MessageFixtures.moment(now), to: schedule, in: .ko) == korean)
        #expect(MessageWording.ahead(from: MessageFixtures.moment(now), to: schedule, in: .en) == english)
    }

    @Test func dateOnlyConcertCountsDaysOnly() {
        let sejong = Self.schedule("sejong-2019")
        #expect(
            MessageWording.ahead(from: MessageFixtures.moment("2019-10-26T09:00+09:00"), to: sejong, in: .ko) == "내일")
        #expect(
            MessageWording.ahead(from: MessageFixtures.moment("2019-10-27T09:00+09:00"), to: sejong, in: .en) == "today"
        )
        #expect(
            MessageWording.ahead(from: MessageFixtures.moment("2019-10-28T09:00+09:00"), to: sejong, in: .ko) == "진행 중")
        #expect(
            MessageWording.ahead(from: MessageFixtures.moment("2019-10-20T09:00+09:00"), to: sejong, in: .ko) == "7일 후")
    }

    @Test func speakersAndCities() {
        let speaker = MessageFixtures.catalog.concert(id: "daegu-2019")!.speaker!
        #expect(MessageWording.speaker(speaker, in: .ko) == "ZED 이명주 대표")
        #expect(MessageWording.speaker(speaker, in: .en) == "Lee Myeong-ju, CEO, ZED")
        let cities = ["gongju", "buyeo", "sejong"].map { MessageFixtures.catalog.city(id: $0)! }
        #expect(MessageWording.cities(Array(cities.prefix(2)), in: .ko) == "공주·부여")
        #expect(MessageWording.cities(Array(cities.prefix(2)), in: .en) == "Gongju and Buyeo")
        #expect(MessageWording.cities(cities, in: .en) == "Gongju, Buyeo and Sejong")
    }

    @Test func reminderOffsetsAreWordedLargestFirst() {
        let offsets = [ReminderOffset("1h")!, ReminderOffset("7d")!, ReminderOffset("30m")!, ReminderOffset("1d")!]
        #expect(MessageWording.offsets(offsets, in: .ko) == "7일 전, 1일 전, 1시간 전, 30분 전")
        #expect(MessageWording.offsets(offsets, in: .en) == "7 days, 1 day, 1 hour and 30 minutes")
        #expect(MessageWording.offset(ReminderOffset("90s")!, in: .en) == "90 seconds")
    }
}
