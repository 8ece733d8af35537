import Foundation

/// A due delivery with its subscription: read ahead as a candidate (``OutboxStore/dueDeliveries``),
/// and claimed for sending only once ``OutboxStore/markSending`` returns it (the row is then
/// `sending`, durably, before any byte leaves). Listings use the same shape.
public struct ClaimedDelivery: Sendable {
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
