import Foundation

/// What a verdict does to its row, as the store writes it (`SendingStore.record`): the attempt's
/// outcome, the row's next state and, when the endpoint is gone, the subscription's disabling. Made
/// by the scheduler's policy (``DeliveryPolicy``) from the channel's verdict.
public struct DeliveryRecord: Sendable {
    public var delivery: Delivery
    public var subscription: Subscription
    /// How the attempt ended, written into the attempt's row.
    public var outcome: AttemptOutcome
    /// The state the row moves to and when it is next tried.
    public var newState: Delivery.State
    public var nextAttempt: Date?
    public var reason: Delivery.SkipReason?
    public var error: String?
    public var finishedAt: Date
    /// Set when the endpoint is gone: the subscription is disabled with this reason and its pending
    /// rows are skipped as `disabled`.
    public var disablesSubscription: String?
    /// Whether another subscription has the same target: only then can a row wait for this one.
    /// Copied from the claimed row (``ClaimedDelivery/targetSubscribedTwice``).
    public var targetSubscribedTwice = false

    public init(
        delivery: Delivery, subscription: Subscription, outcome: AttemptOutcome, newState: Delivery.State,
        nextAttempt: Date?, reason: Delivery.SkipReason?, error: String?, finishedAt: Date,
        disablesSubscription: String? = nil, targetSubscribedTwice: Bool = false
    ) {
        self.delivery = delivery
        self.subscription = subscription
        self.outcome = outcome
        self.newState = newState
        self.nextAttempt = nextAttempt
        self.reason = reason
        self.error = error
        self.finishedAt = finishedAt
        self.disablesSubscription = disablesSubscription
        self.targetSubscribedTwice = targetSubscribedTwice
    }
}
