/// The parameters of `concerts`: `{"city": "busan", "all": false}`, both optional.
public struct ConcertsParams: Codable, Sendable, Hashable {
    /// Only concerts whose `cities` include this city (an id, or any name `cities` lists).
    public var city: String?
    /// Past and cancelled concerts too; by default only upcoming scheduled ones.
    public var all: Bool

    public init(city: String? = nil, all: Bool = false) {
        self.city = city
        self.all = all
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        city = try container.decodeIfPresent(String.self, forKey: .city)
        all = try container.decodeIfPresent(Bool.self, forKey: .all) ?? false
    }
}

/// The result of `concerts`: the concerts in start order.
public struct ConcertsResult: Codable, Sendable, Hashable {
    public var concerts: [ConcertInfo]

    public init(concerts: [ConcertInfo]) {
        self.concerts = concerts
    }
}
