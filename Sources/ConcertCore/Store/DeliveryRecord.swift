import Foundation

/// What a verdict does to its row: the row's next state, written by `record`.
public struct DeliveryRecord: Sendable {
    public var delivery: Delivery
    public var subscription: Subscription
    public var verdict: Verdict
    /// The state the row moves to and when it is next tried.
    public var newState: Delivery.State
    public var nextAttempt: Date?
    public var reason: Delivery.SkipReason?
    public var error: String?
    public var finishedAt: Date
    /// Whether another subscription has the same target: only then can a row wait for this one.
    /// Copied from the claimed row (``ClaimedDelivery/targetSubscribedTwice``).
    public var targetSubscribedTwice = false

    public init(
        delivery: Delivery, subscription: Subscription, verdict: Verdict, newState: Delivery.State,
        nextAttempt: Date?, reason: Delivery.SkipReason?, error: String?, finishedAt: Date,
        targetSubscribedTwice: Bool = false
    ) {
        self.delivery = delivery
        self.subscription = subscription
        self.verdict = verdict
        self.newState = newState
        self.nextAttempt = nextAttempt
        self.reason = reason
        self.error = error
        self.finishedAt = finishedAt
        self.targetSubscribedTwice = targetSubscribedTwice
    }
}
