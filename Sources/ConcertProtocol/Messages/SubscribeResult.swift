/// The result of `subscribe`.
public struct SubscribeResult: Codable, Sendable, Hashable {
    /// The new subscription's id, `sub-k3m9q2xw7d`.
    public var id: String
    /// The signing secret the daemon generated; present only in this reply, never shown again.
    public var secret: String?
    /// The subscription as listed, secrets masked.
    public var subscription: SubscriptionInfo
    /// Things worth knowing that did not stop the subscription: a city with no upcoming concert.
    public var warnings: [String]

    public init(id: String, secret: String? = nil, subscription: SubscriptionInfo, warnings: [String] = []) {
        self.id = id
        self.secret = secret
        self.subscription = subscription
        self.warnings = warnings
    }
}
