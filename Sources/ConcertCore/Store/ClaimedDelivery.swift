import Foundation

/// A delivery claimed for one attempt: the store has marked it `sending`, durably, and counted the
/// attempt, before any byte leaves. Only the store makes one (``SendingStore/claim`` from a
/// ``PendingDelivery``, ``SendingStore/createTestDelivery``); the scheduler sends nothing else.
public struct ClaimedDelivery: Sendable {
    /// The row as claimed: `sending`, its attempts counting this one.
    public var delivery: Delivery
    public var subscription: Subscription
    /// Where the message goes: what the per-destination limits and the destination's health count.
    public var destination: String
    /// Whether another subscription has the same target: only then can its verdict wake a twin.
    public var targetSubscribedTwice: Bool

    /// A pending row the store has just marked `sending`: `delivery` is the row as claimed.
    public init(_ pending: PendingDelivery, claimedAs delivery: Delivery) {
        self.delivery = delivery
        subscription = pending.subscription
        destination = pending.destination
        targetSubscribedTwice = pending.targetSubscribedTwice
    }
}
