/// The result of `test`: whether the test message was accepted, and what the receiver answered.
///
/// A failed send is a result, not an error: the request itself succeeded.
public struct TestResult: Codable, Sendable, Hashable {
    public var subscription: String
    public var delivered: Bool
    /// The receiver's answer, secrets masked: `HTTP 204`, `250 2.0.0 Ok: queued`.
    public var detail: String
    /// True when the receiver answered 410 Gone and the subscription is therefore disabled
    /// (nothing more is sent to it until `resume`); absent otherwise.
    public var subscriptionDisabled: Bool?

    public init(subscription: String, delivered: Bool, detail: String, subscriptionDisabled: Bool? = nil) {
        self.subscription = subscription
        self.delivered = delivered
        self.detail = detail
        self.subscriptionDisabled = subscriptionDisabled
    }

    private enum CodingKeys: String, CodingKey {
        case subscription, delivered, detail
        case subscriptionDisabled = "subscription_disabled"
    }
}
