import Foundation

/// A pending (`scheduled` or `retrying`) delivery with its subscription and destination, as the
/// store reads it: a due row read ahead by the scheduler (``SendingStore/dueDeliveries``), or an
/// entry of a listing. Not yet claimed: only ``SendingStore/claim`` turns it into a
/// ``ClaimedDelivery``, and only if the row is still pending then.
public struct PendingDelivery: Sendable {
    public var delivery: Delivery
    public var subscription: Subscription
    /// Where the message goes, `host[:port]` or the smarthost: what the per-destination limits count.
    public var destination: String
    /// Whether another subscription has the same target: only then can the row be a duplicate.
    public var targetSubscribedTwice: Bool

    public init(
        delivery: Delivery, subscription: Subscription, destination: String? = nil, targetSubscribedTwice: Bool = true
    ) {
        self.delivery = delivery
        self.subscription = subscription
        self.destination = destination ?? subscription.channel.destination
        self.targetSubscribedTwice = targetSubscribedTwice
    }
}
