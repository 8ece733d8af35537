/// The parameters of `deliveries`, all optional: `{"state": "failed", "subscription": "sub-…", "limit": 50}`.
public struct DeliveriesParams: Codable, Sendable, Hashable {
    /// Only deliveries in this state.
    public var state: String?
    /// Only deliveries of this subscription.
    public var subscription: String?
    /// At most this many, newest first; the daemon's default (50) when absent.
    public var limit: Int?

    public init(state: String? = nil, subscription: String? = nil, limit: Int? = nil) {
        self.state = state
        self.subscription = subscription
        self.limit = limit
    }
}

/// The parameters of `upcoming`: `{"limit": 20}`, optional.
public struct UpcomingParams: Codable, Sendable, Hashable {
    /// At most this many, in due order; the daemon's default (50) when absent.
    public var limit: Int?

    public init(limit: Int? = nil) {
        self.limit = limit
    }
}

/// The result of `upcoming` (in due order) and `deliveries` (newest first).
public struct DeliveriesResult: Codable, Sendable, Hashable {
    public var deliveries: [DeliveryInfo]

    public init(deliveries: [DeliveryInfo]) {
        self.deliveries = deliveries
    }
}
