/// One municipality a subscriber can name, as `cities` lists it.
public struct CityInfo: Codable, Sendable, Hashable {
    /// Stable lowercase romanized id: `busan`.
    public var id: String
    /// Korean short name: `부산`.
    public var ko: String
    /// Korean official name: `부산광역시`.
    public var koFull: String
    /// English name: `Busan`.
    public var en: String
    /// Ids of the concerts whose subscribers include this city's.
    public var concerts: [String]

    public init(id: String, ko: String, koFull: String, en: String, concerts: [String]) {
        self.id = id
        self.ko = ko
        self.koFull = koFull
        self.en = en
        self.concerts = concerts
    }

    private enum CodingKeys: String, CodingKey {
        case id, ko, en, concerts
        case koFull = "ko_full"
    }
}

/// The result of `cities`: every municipality, in catalog order.
public struct CitiesResult: Codable, Sendable, Hashable {
    public var cities: [CityInfo]

    public init(cities: [CityInfo]) {
        self.cities = cities
    }
}
