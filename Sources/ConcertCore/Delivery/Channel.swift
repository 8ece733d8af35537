import Foundation

/// Sends messages of one kind of subscription (email, or webhook). The scheduler owns the
/// outbox and the retry policy; a channel only sends and returns its verdict.
public protocol Channel: AnyObject, Sendable {
    /// Sends one message and calls `completion` exactly once, from any thread.
    ///
    /// A channel enforces its own network timeouts on the monotonic clock, so `completion` is
    /// always called eventually.
    func send(_ message: OutboundMessage, completion: @escaping @Sendable (Verdict) -> Void)
}

/// Everything a channel needs to build and send one message.
public struct OutboundMessage: Sendable {
    public var delivery: Delivery
    public var subscription: Subscription
    public var concert: StoredConcert
    /// The subscription's cities that this concert serves (both Gongju and Buyeo for their joint concert).
    public var cities: [City]
    /// For a change notice, the concert's facts before the change.
    public var previous: PreviousFacts?
    /// Where the release says details are published.
    public var infoURL: String
    /// The moment of sending on the scheduler's clock (shifted when `--clock-start` is used).
    public var now: Date
    /// Parts built once and shared with every delivery of the same content (see `SharedMessageParts`).
    public var shared: SharedMessageParts

    public init(
        delivery: Delivery, subscription: Subscription, concert: StoredConcert, cities: [City],
        previous: PreviousFacts? = nil, infoURL: String, now: Date, shared: SharedMessageParts = SharedMessageParts()
    ) {
        self.delivery = delivery
        self.subscription = subscription
        self.concert = concert
        self.cities = cities
        self.previous = previous
        self.infoURL = infoURL
        self.now = now
        self.shared = shared
    }

    /// A concert's announced facts before a change.
    public struct PreviousFacts: Sendable, Hashable, Codable {
        public var start: String
        public var end: String
        public var timeAnnounced: Bool
        public var venue: LocalizedText?

        enum CodingKeys: String, CodingKey {
            case start, end, venue
            case timeAnnounced = "time_announced"
        }

        /// The schedule these facts describe.
        public var schedule: ConcertSchedule? {
            switch (KoreaTime.parseMoment(start), KoreaTime.parseMoment(end)) {
            case (.instant(let s)?, .instant(let e)?): .timed(start: s, end: e)
            case (.date(let s)?, .date(let e)?): .dateOnly(first: s, last: e)
            default: nil
            }
        }
    }
}

/// A channel's verdict on one send.
public enum Verdict: Sendable, Hashable {
    /// Accepted by the receiver; `detail` says how (`HTTP 204`, `250 2.0.0 Ok: queued as …`).
    case sent(detail: String)
    /// Worth trying again (timeouts, 408/425/429, 5xx, SMTP 4xx); `retryAfter` is the receiver's
    /// requested delay in seconds, applied on the scheduler's clock.
    case retryable(error: String, retryAfter: TimeInterval?)
    /// Never worth retrying this message (4xx other than the above, SMTP 5xx to a recipient).
    case permanent(error: String)
    /// The endpoint no longer exists (HTTP 410): the subscription is disabled.
    case gone(error: String)
    /// The destination itself failed (connection refused, TLS, SMTP AUTH): retried and shown in
    /// status, but never marks a message failed.
    case destinationFailed(error: String, retryAfter: TimeInterval?)
}
