/// The parameters of `subscriptions`: `{"city": "busan", "limit": 1000, "cursor": "…"}`, all optional.
public struct SubscriptionsParams: PagedParams, Hashable {
    /// Only subscriptions that include this city (an id or any name `cities` lists).
    public var city: String?
    /// At most this many in the reply. Absent: the whole listing (after `cursor`), which the daemon
    /// refuses with `invalid_params` when it holds more than ``ParamRange/limit`` allows, so that a
    /// client of protocol 1 never gets part of it without knowing.
    public var limit: Int?
    /// The `cursor` of the previous page; absent for the first.
    public var cursor: String?

    public init(city: String? = nil, limit: Int? = nil, cursor: String? = nil) {
        self.city = city
        self.limit = limit
        self.cursor = cursor
    }
}

/// The result of `subscriptions`: subscriptions not removed, in the order they were created.
public struct SubscriptionsResult: PagedResult, Hashable {
    public var subscriptions: [SubscriptionInfo]
    /// The next page's cursor; absent when this page ends the listing.
    public var cursor: String?

    public init(subscriptions: [SubscriptionInfo], cursor: String? = nil) {
        self.subscriptions = subscriptions
        self.cursor = cursor
    }

    public static let itemsKey = "subscriptions"
    public var items: [SubscriptionInfo] { subscriptions }
}
