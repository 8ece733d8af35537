/// The result of `test`: whether the test message was accepted, and what the receiver answered.
///
/// A failed send is a result, not an error: the request itself succeeded.
public struct TestResult: Codable, Sendable, Hashable {
    public var subscription: String
    public var delivered: Bool
    /// The receiver's answer, secrets masked: `HTTP 204`, `250 2.0.0 Ok: queued`.
    public var detail: String

    public init(subscription: String, delivered: Bool, detail: String) {
        self.subscription = subscription
        self.delivered = delivered
        self.detail = detail
    }
}
