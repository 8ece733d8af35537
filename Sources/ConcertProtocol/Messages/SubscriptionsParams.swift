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
    /// Requests to subscribe on the web front door waiting for their confirmation (neither
    /// confirmed nor expired): the same on every page; absent when `web_listen` is not set, and
    /// from daemons that do not say.
    public var pendingWebRequests: Int?

    public init(subscriptions: [SubscriptionInfo], cursor: String? = nil, pendingWebRequests: Int? = nil) {
        self.subscriptions = subscriptions
        self.cursor = cursor
        self.pendingWebRequests = pendingWebRequests
    }

    private enum CodingKeys: String, CodingKey {
        case subscriptions, cursor
        case pendingWebRequests = "pending_web_requests"
    }

    public static let itemsKey = "subscriptions"
    public var items: [SubscriptionInfo] { subscriptions }
}
