import Foundation

/// A delivery claimed for sending, with its subscription.
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
