/// How many deliveries of one kind and channel are in one final state: where the metrics'
/// delivery counters start, so that a restart does not reset them.
public struct FinishedDeliveryCount: Sendable, Hashable {
    /// `sent`, `failed` or `skipped`.
    public var state: Delivery.State
    public var kind: Delivery.Kind
    /// `email`, or the webhook's format (``ChannelAddress/metricsName``).
    public var channel: String
    public var count: Int

    public init(state: Delivery.State, kind: Delivery.Kind, channel: String, count: Int) {
        self.state = state
        self.kind = kind
        self.channel = channel
        self.count = count
    }
}
