import ConcertCore
import Foundation
import Testing

/// The shipped catalog against the press release it was built from.
@Suite struct CatalogContentTests {
    struct Expected: Sendable, CustomTestStringConvertible {
        var id: String
        var cities: [String]
        var start: String
        var end: String
        /// The table's date and time cell, exactly as the seed writes it.
        var seedCell: String
        var speaker: String?
        var testDescription: String { id }
    }

    static let expected: [Expected] = [
        .init(
            id: "daegu-2019", cities: ["daegu"], start: "2019-10-29T14:00:00+09:00", end: "2019-10-29T16:00:00+09:00",
            seedCell: "10.29(화)\n14:00∼16:00", speaker: "이명주"),
        .init(
            id: "siheung-2019", cities: ["siheung"], start: "2019-11-14T19:00:00+09:00",
            end: "2019-11-14T21:00:00+09:00",
            seedCell: "11.14(목)\n19;00∼21:00", speaker: "조대연"),
        .init(
            id: "busan-2019", cities: ["busan"], start: "2019-10-25T10:00:00+09:00", end: "2019-10-25T18:00:00+09:00",
            seedCell: "10.25(금)\n10:00∼18:00", speaker: "김갑성"),
        .init(
            id: "sejong-2019", cities: ["sejong"], start: "2019-10-27", end: "2019-10-28",
            seedCell: "10.27(월)\n∼10.28(화)", speaker: "정재승"),
        .init(
            id: "gwangju-2019", cities: ["gwangju"], start: "2019-10-31T14:00:00+09:00",
            end: "2019-10-31T16:00:00+09:00",
            seedCell: "10.31(목)\n14:00∼16:00", speaker: "유인상"),
        .init(
            id: "daejeon-2019", cities: ["daejeon"], start: "2019-10-23T14:00:00+09:00",
            end: "2019-10-23T16:00:00+09:00",
            seedCell: "10.23(수)\n14:00∼16:00", speaker: "유은정"),
        .init(
            id: "incheon-2019", cities: ["incheon"], start: "2019-11-01T14:00:00+09:00",
            end: "2019-11-01T17:00:00+09:00",
            seedCell: "11.1(금)\n14:00∼17:00", speaker: "유은정"),
        .init(
            id: "bucheon-2019", cities: ["bucheon"], start: "2019-11-11T14:00:00+09:00",
            end: "2019-11-11T16:00:00+09:00",
            seedCell: "11.11(월)\n14:00∼16:00", speaker: "김도년"),
        .init(
            id: "suwon-2019", cities: ["suwon"], start: "2019-12-05T10:00:00+09:00", end: "2019-12-05T17:00:00+09:00",
            seedCell: "12.5(목)\n10:00∼17:00", speaker: "김도년"),
        .init(
            id: "changwon-2019", cities: ["changwon"], start: "2019-11-28T10:00:00+09:00",
            end: "2019-11-28T17:00:00+09:00",
            seedCell: "11.28(목)\n10:00∼17:00", speaker: "이범현"),
        .init(
            id: "gimhae-2019", cities: ["gimhae"], start: "2019-11-05T14:00:00+09:00", end: "2019-11-05T16:00:00+09:00",
            seedCell: "11.5(화)\n14:00∼16:00", speaker: "조영태"),
        .init(
            id: "tongyeong-2019", cities: ["tongyeong"], start: "2019-10-25T18:30:00+09:00",
            end: "2019-10-25T21:30:00+09:00",
            seedCell: "10.25(금)\n18:30∼21:30 -", speaker: nil),
        .init(
            id: "gongju-buyeo-2019", cities: ["gongju", "buyeo"], start: "2019-10-24T14:00:00+09:00",
            end: "2019-10-24T17:00:00+09:00", seedCell: "10.24(목)\n14:00∼17:00", speaker: "이정훈"),
        .init(
            id: "suyeong-2019", cities: ["suyeong"], start: "2019-11-22T14:00:00+09:00",
            end: "2019-11-22T16:30:00+09:00",
            seedCell: "11.22(금)\n14:00∼16:30", speaker: "황종성"),
        .init(
            id: "goyang-2019", cities: ["goyang"], start: "2019-12-10T14:00:00+09:00", end: "2019-12-10T16:00:00+09:00",
            seedCell: "12.10(화)\n14:00∼16:00", speaker: "김갑성"),
    ]

    @Test func catalogHoldsTheFifteenConcertsOfAttachmentOne() {
        #expect(Fixtures.catalog.concerts.map(\.id).sorted() == Self.expected.map(\.id).sorted())
    }

    @Test func catalogHoldsAllSixteenMunicipalities() {
        let ids = Fixtures.catalog.cities.map(\.id)
        #expect(
            ids == [
                "daegu", "siheung", "busan", "sejong", "gwangju", "daejeon", "incheon", "bucheon", "suwon", "changwon",
                "gimhae", "tongyeong", "gongju", "buyeo", "suyeong", "goyang",
            ])
        for city in Fixtures.catalog.cities {
            #expect(!Fixtures.catalog.concerts(inCity: city.id).isEmpty, "\(city.id) leads to no concert")
        }
    }

    @Test(arguments: expected)
    func concertMatchesTheSeedTable(_ expected: Expected) throws {
        let concert = try #require(Fixtures.catalog.concert(id: expected.id))
        #expect(Fixtures.seedText.contains(expected.seedCell), "the seed has no cell '\(expected.seedCell)'")
        #expect(concert.cities == expected.cities)
        #expect(concert.schedule.startString == expected.start)
        #expect(concert.schedule.endString == expected.end)
        #expect(concert.speaker?.name.ko == expected.speaker)
        if let name = expected.speaker {
            #expect(Fixtures.seedText.contains(name))
        }
        #expect(!concert.notes.isEmpty, "every concert records what was checked")
        for city in concert.cities {
            #expect(Fixtures.seedText.contains(Fixtures.catalog.city(id: city)!.shortName))
        }
    }

    @Test func everyStatedWeekdayAgreesWithTheCalendarExceptSejongs() throws {
        // Each seed cell starts "M.D(요일)"; the Korean weekday must be that date's in 2019.
        let weekdays = ["일", "월", "화", "수", "목", "금", "토"]
        for expected in Self.expected {
            let cell = expected.seedCell
            let datePart = cell.prefix { $0 != "(" }
            let parts = datePart.split(separator: ".").compactMap { Int($0) }
            let label = String(cell.dropFirst(datePart.count + 1).prefix(1))
            let actual = weekdays[LocalDate(year: 2019, month: parts[0], day: parts[1]).weekday]
            if expected.id == "sejong-2019" {
                #expect(label == "월" && actual == "일", "the seed's Sejong weekday error is the one corrected")
            } else {
                #expect(label == actual, "\(expected.id): seed says \(label), calendar says \(actual)")
            }
        }
    }

    @Test func siheungTypoIsCorrectedAndNoted() throws {
        let concert = try #require(Fixtures.catalog.concert(id: "siheung-2019"))
        #expect(KoreaTime.timeOfDay(concert.schedule.start) == (19, 0))
        #expect(concert.notes.contains { $0.contains("19;00") })
    }

    @Test func sejongIsDateOnlyOverTwoDaysWithItsWeekdayCorrectionNoted() throws {
        let concert = try #require(Fixtures.catalog.concert(id: "sejong-2019"))
        #expect(
            concert.schedule
                == .dateOnly(
                    first: LocalDate(year: 2019, month: 10, day: 27),
                    last: LocalDate(year: 2019, month: 10, day: 28)))
        #expect(!concert.schedule.isTimeAnnounced)
        #expect(LocalDate(year: 2019, month: 10, day: 27).weekday == 0)  // Sunday
        #expect(concert.notes.contains { $0.contains("Sunday") })
        #expect(concert.title?.ko == "스마트시티 팔로인(Follow+人)")
        #expect(concert.venue?.ko.contains("잔디광장") == true)
        #expect(Fixtures.seedText.contains("팔로인(Follow+人, 10월27일~28일)"))
    }

    @Test func busanTitleAndVenueComeFromTheBodyText() throws {
        let concert = try #require(Fixtures.catalog.concert(id: "busan-2019"))
        #expect(concert.title?.ko == "에코델타시티 컨퍼런스")
        #expect(concert.venue?.en == "BEXCO, Busan")
        #expect(Fixtures.seedText.contains("부산 벡스코에서 개최(10월25일)"))
    }

    @Test func buyeoIsACountyNotACity() throws {
        let buyeo = try #require(Fixtures.catalog.city(id: "buyeo"))
        #expect(buyeo.fullName.hasSuffix("부여군"))
        #expect(Fixtures.seedText.contains("(부여시 합동)"))
        #expect(Fixtures.seedText.contains("공주시·부여군"))
        let concert = try #require(Fixtures.catalog.concert(id: "gongju-buyeo-2019"))
        #expect(concert.host?.ko.contains("부여군") == true)
        #expect(concert.notes.contains { $0.contains("부여시") })
    }

    @Test func tongyeongHasNoSpeaker() throws {
        let concert = try #require(Fixtures.catalog.concert(id: "tongyeong-2019"))
        #expect(concert.speaker == nil)
        #expect(concert.notes.contains { $0.contains("'-'") })
    }

    @Test func concertsDatedBeforeTheReleaseAreKeptAndNoted() throws {
        let release = LocalDate(year: 2019, month: 10, day: 25).startInKorea
        let early = Fixtures.catalog.concerts.filter { $0.schedule.start < release }.map(\.id).sorted()
        #expect(early == ["daejeon-2019", "gongju-buyeo-2019"])
        for id in early {
            #expect(Fixtures.catalog.concert(id: id)!.notes.contains { $0.contains("release") })
        }
    }

    @Test func englishTextNeedsNoKorean() {
        func isASCIIish(_ text: String) -> Bool {
            !text.unicodeScalars.contains { (0xAC00...0xD7A3).contains($0.value) }
        }
        for concert in Fixtures.catalog.concerts {
            for text in [
                concert.programme?.en, concert.title?.en, concert.venue?.en, concert.speaker?.name.en,
                concert.speaker?.affiliation.en, concert.speaker?.role.en, concert.host?.en,
            ].compactMap({ $0 }) {
                #expect(isASCIIish(text) || text.contains("人"), "\(concert.id): '\(text)' has Hangul")
            }
        }
        for city in Fixtures.catalog.cities {
            #expect(isASCIIish(city.englishName))
        }
    }
}
