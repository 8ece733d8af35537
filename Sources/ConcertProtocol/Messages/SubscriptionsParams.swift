/// The parameters of `subscriptions`: `{"city": "busan"}`, optional.
public struct SubscriptionsParams: Codable, Sendable, Hashable {
    /// Only subscriptions that include this city (an id or any name `cities` lists).
    public var city: String?

    public init(city: String? = nil) {
        self.city = city
    }
}

/// The result of `subscriptions`: subscriptions not removed, oldest first.
public struct SubscriptionsResult: Codable, Sendable, Hashable {
    public var subscriptions: [SubscriptionInfo]

    public init(subscriptions: [SubscriptionInfo]) {
        self.subscriptions = subscriptions
    }
}
