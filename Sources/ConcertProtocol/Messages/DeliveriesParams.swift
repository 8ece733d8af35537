/// The parameters of `deliveries`, all optional: `{"state": "failed", "subscription": "sub-…", "limit": 50, "cursor": "…"}`.
public struct DeliveriesParams: PagedParams, Hashable {
    /// Only deliveries in this state.
    public var state: String?
    /// Only deliveries of this subscription.
    public var subscription: String?
    /// At most this many, newest first; 50 when absent, as in protocol 1. A reply that does not end
    /// the listing carries a `cursor`.
    public var limit: Int?
    /// The `cursor` of the previous page; absent for the first.
    public var cursor: String?

    public init(state: String? = nil, subscription: String? = nil, limit: Int? = nil, cursor: String? = nil) {
        self.state = state
        self.subscription = subscription
        self.limit = limit
        self.cursor = cursor
    }
}

/// The parameters of `upcoming`: `{"limit": 20, "cursor": "…"}`, both optional.
public struct UpcomingParams: PagedParams, Hashable {
    /// At most this many, in due order; 50 when absent, as in protocol 1. A reply that does not end
    /// the listing carries a `cursor`.
    public var limit: Int?
    /// The `cursor` of the previous page; absent for the first.
    public var cursor: String?

    public init(limit: Int? = nil, cursor: String? = nil) {
        self.limit = limit
        self.cursor = cursor
    }
}

/// The result of `upcoming` (in due order) and `deliveries` (newest first).
public struct DeliveriesResult: PagedResult, Hashable {
    public var deliveries: [DeliveryInfo]
    /// The next page's cursor; absent when this page ends the listing.
    public var cursor: String?
    /// With `deliveries --subscription`: the reminders of its offsets that have no row, and why
    /// (on the first page only).
    public var notPlanned: [UnplannedReminderInfo]?
    /// With `deliveries`: true when several instances share the store (PostgreSQL), whose rows
    /// name the instance of their last attempt (``DeliveryInfo/instance``); absent on SQLite.
    public var sharedByInstances: Bool?

    public init(
        deliveries: [DeliveryInfo], cursor: String? = nil, notPlanned: [UnplannedReminderInfo]? = nil,
        sharedByInstances: Bool? = nil
    ) {
        self.deliveries = deliveries
        self.cursor = cursor
        self.notPlanned = notPlanned
        self.sharedByInstances = sharedByInstances
    }

    private enum CodingKeys: String, CodingKey {
        case deliveries, cursor
        case notPlanned = "not_planned"
        case sharedByInstances = "shared_by_instances"
    }

    public static let itemsKey = "deliveries"
    public var items: [DeliveryInfo] { deliveries }
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
