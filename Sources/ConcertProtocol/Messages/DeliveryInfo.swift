/// One message of the outbox as `upcoming`, `deliveries` and `status` show it.
public struct DeliveryInfo: Codable, Sendable, Hashable {
    public var id: Int64
    public var subscription: String
    public var concert: String
    /// `reminder`, `confirmation`, `change`, `cancellation`, `new_concert` or `test`.
    public var kind: String
    /// How long before the concert, `1d`; `0s` for notices.
    public var offset: String
    /// ISO 8601 with `+09:00`.
    public var due: String
    /// `scheduled`, `sending`, `sent`, `retrying`, `failed` or `skipped`.
    public var state: String
    public var attempts: Int
    /// The last failure, secrets masked.
    public var lastError: String?
    /// Why a delivery was skipped: `cancelled`, `paused`, `missed`, ….
    public var reason: String?

    public init(
        id: Int64, subscription: String, concert: String, kind: String = "reminder", offset: String, due: String,
        state: String, attempts: Int = 0, lastError: String? = nil, reason: String? = nil
    ) {
        self.id = id
        self.subscription = subscription
        self.concert = concert
        self.kind = kind
        self.offset = offset
        self.due = due
        self.state = state
        self.attempts = attempts
        self.lastError = lastError
        self.reason = reason
    }

    private enum CodingKeys: String, CodingKey {
        case id, subscription, concert, kind, offset, due, state, attempts, reason
        case lastError = "last_error"
    }
}
