/// The result of `unsubscribe`, `pause` and `resume`.
public struct SubscriptionChangeResult: Codable, Sendable, Hashable {
    /// The subscription as it now stands.
    public var subscription: SubscriptionInfo
    /// Pending reminders skipped by `unsubscribe` or `pause`.
    public var skipped: Int
    /// Reminders scheduled again by `resume`.
    public var scheduled: Int

    public init(subscription: SubscriptionInfo, skipped: Int = 0, scheduled: Int = 0) {
        self.subscription = subscription
        self.skipped = skipped
        self.scheduled = scheduled
    }
}
