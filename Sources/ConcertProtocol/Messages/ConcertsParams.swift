/// The parameters of `concerts`: `{"city": "busan", "all": false, "limit": 100, "cursor": "…"}`, all optional.
public struct ConcertsParams: PagedParams, Hashable {
    /// Only concerts whose `cities` include this city (an id, or any name `cities` lists).
    public var city: String?
    /// Past and cancelled concerts too; by default only upcoming scheduled ones.
    public var all: Bool
    /// At most this many in the reply; absent: the whole listing, as for ``SubscriptionsParams/limit``.
    public var limit: Int?
    /// The `cursor` of the previous page; absent for the first.
    public var cursor: String?

    public init(city: String? = nil, all: Bool = false, limit: Int? = nil, cursor: String? = nil) {
        self.city = city
        self.all = all
        self.limit = limit
        self.cursor = cursor
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        city = try container.decodeIfPresent(String.self, forKey: .city)
        all = try container.decodeIfPresent(Bool.self, forKey: .all) ?? false
        limit = try container.decodeIfPresent(Int.self, forKey: .limit)
        cursor = try container.decodeIfPresent(String.self, forKey: .cursor)
    }
}

/// The result of `concerts`: the concerts in start order.
public struct ConcertsResult: PagedResult, Hashable {
    public var concerts: [ConcertInfo]
    /// The next page's cursor; absent when this page ends the listing.
    public var cursor: String?

    public init(concerts: [ConcertInfo], cursor: String? = nil) {
        self.concerts = concerts
        self.cursor = cursor
    }

    public static let itemsKey = "concerts"
    public var items: [ConcertInfo] { concerts }
}
