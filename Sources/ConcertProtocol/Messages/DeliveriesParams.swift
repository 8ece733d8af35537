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
    /// With `deliveries --subscription`: the reminders of its offsets that have no row, and why.
    public var notPlanned: [UnplannedReminderInfo]?

    public init(deliveries: [DeliveryInfo], notPlanned: [UnplannedReminderInfo]? = nil) {
        self.deliveries = deliveries
        self.notPlanned = notPlanned
    }

    private enum CodingKeys: String, CodingKey {
        case deliveries
        case notPlanned = "not_planned"
    }
}

/// A reminder a subscription's offsets ask for that was never planned: `{"concert", "offset", "due", "reason"}`.
public struct UnplannedReminderInfo: Codable, Sendable, Hashable {
    public var concert: String
    /// How long before the concert, `1d`.
    public var offset: String
    /// When it would have been due, ISO 8601.
    public var due: String
    /// Why it has no row: `its moment had passed when the subscription was made`.
    public var reason: String

    public init(concert: String, offset: String, due: String, reason: String) {
        self.concert = concert
        self.offset = offset
        self.due = due
        self.reason = reason
    }
}
