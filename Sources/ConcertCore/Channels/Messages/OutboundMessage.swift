import Foundation

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
    /// For a confirmation of several cities, the next concert of each (its detail names them),
    /// soonest first; empty otherwise, when `concert` is the one to name.
    public var nextConcerts: [StoredConcert] = []

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
