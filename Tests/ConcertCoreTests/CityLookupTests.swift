import ConcertCore
import Testing

@Suite struct CityLookupTests {
    let catalog = Fixtures.catalog

    @Test(arguments: [
        ("busan", "busan"), ("BUSAN", "busan"), ("Busan", "busan"), ("부산", "busan"), ("부산광역시", "busan"),
        ("수영구", "suyeong"), ("부산광역시 수영구", "suyeong"), ("suyeong", "suyeong"),
        ("세종", "sejong"), ("세종특별자치시", "sejong"), ("부여", "buyeo"), ("부여군", "buyeo"), ("부여시", "buyeo"),
        ("공주시", "gongju"), ("경기 시흥시", "siheung"), ("광주", "gwangju"), ("고양시", "goyang"),
    ])
    func cityIsFoundByIdOrKoreanName(_ name: String, _ id: String) {
        #expect(catalog.city(named: name)?.id == id)
    }

    @Test(arguments: ["seoul", "서울", "", "busan-2019", "부산 수영"])
    func unknownNamesFindNothing(_ name: String) {
        #expect(catalog.city(named: name) == nil)
    }

    @Test func municipalitiesSharingAConcertBothLeadToIt() {
        #expect(catalog.concerts(inCity: "gongju").map(\.id) == ["gongju-buyeo-2019"])
        #expect(catalog.concerts(inCity: "buyeo").map(\.id) == ["gongju-buyeo-2019"])
    }

    @Test func busanAndSuyeongKeepTheirOwnConcerts() {
        #expect(catalog.concerts(inCity: "busan").map(\.id) == ["busan-2019"])
        #expect(catalog.concerts(inCity: "suyeong").map(\.id) == ["suyeong-2019"])
    }
}
