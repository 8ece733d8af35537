/// Everything that decides an outbound message's content apart from its delivery's identity
/// (id, idempotency key, recipient): two messages with equal keys read the same, word for word.
///
/// `concertLoad` identifies the exact concert value the scheduler loaded (its facts can change
/// without a new revision: a corrected title); `ahead` is the "how long until it starts" wording,
/// the one part that depends on the moment of sending.
struct MessageContentKey: Hashable, Sendable {
    var concertID: String
    var concertRevision: Int
    var concertLoad: Int
    var kind: Delivery.Kind
    var offsetSeconds: Int
    var language: Language
    var cityIDs: [String]
    var subscriptionOffsets: [Int]
    var previous: String?
    var ahead: String
    /// A confirmation's other concerts: each one's id, revision and "how long until it starts".
    var nextConcerts: [String]

    /// The key of `message`, whose concert is the scheduler's load number `concertLoad`.
    init(of message: OutboundMessage, concertLoad: Int) {
        let delivery = message.delivery
        language = message.subscription.language
        concertID = delivery.concertID
        concertRevision = message.concert.revision
        self.concertLoad = concertLoad
        kind = delivery.kind
        offsetSeconds = delivery.offset.seconds
        cityIDs = message.cities.map(\.id)
        subscriptionOffsets = message.subscription.offsets.map(\.seconds)
        previous = delivery.detail
        ahead = MessageWording.ahead(from: message.now, to: message.concert.concert.schedule, in: language)
        nextConcerts = message.nextConcerts.map {
            "\($0.concert.id)@\($0.revision) "
                + MessageWording.ahead(from: message.now, to: $0.concert.schedule, in: message.subscription.language)
        }
    }
}
