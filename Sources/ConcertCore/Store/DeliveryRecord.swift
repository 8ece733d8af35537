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
    var targetSubscribedTwice = false
}
