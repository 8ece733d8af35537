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
    /// When the next attempt is made (ISO 8601), for a row being retried.
    public var nextAttempt: String?
    /// When the row reached its final state (`sent`, `failed`, `skipped`), ISO 8601.
    public var finished: String?
    /// The receiver's answer to the last attempt, secrets masked: `HTTP 204`, `250 2.0.0 Ok: queued as …`.
    public var reply: String?
    /// The status code of that answer: the HTTP status, or the SMTP reply code.
    public var replyCode: Int?
    /// The instance that made the last attempt (the one sending it, for a row in `sending`), on a
    /// store several instances share (PostgreSQL); absent on SQLite and for a row never tried.
    public var instance: String?

    public init(
        id: Int64, subscription: String, concert: String, kind: String = "reminder", offset: String, due: String,
        state: String, attempts: Int = 0, lastError: String? = nil, reason: String? = nil, nextAttempt: String? = nil,
        finished: String? = nil, reply: String? = nil, replyCode: Int? = nil, instance: String? = nil
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
        self.nextAttempt = nextAttempt
        self.finished = finished
        self.reply = reply
        self.replyCode = replyCode
        self.instance = instance
    }

    private enum CodingKeys: String, CodingKey {
        case id, subscription, concert, kind, offset, due, state, attempts, reason, finished, reply, instance
        case lastError = "last_error"
        case nextAttempt = "next_attempt"
        case replyCode = "reply_code"
    }
}
