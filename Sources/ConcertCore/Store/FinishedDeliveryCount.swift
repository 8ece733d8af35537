/// How many deliveries of one kind and channel reached one final state, ever: a total that never
/// goes down (a resume or a retry moving a row out of that state again does not take it back),
/// kept by the store in its running counters as `finished.STATE.KIND.CHANNEL`. The metrics'
/// `concertd_deliveries_total` reads these at each scrape, so a restart resets nothing.
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

    /// The running counter that holds one total.
    public static func counterName(state: Delivery.State, kind: Delivery.Kind, channel: String) -> String {
        "finished.\(state.rawValue).\(kind.rawValue).\(channel)"
    }

    /// The totals among a store's running counters (``DeliveryHistoryStore/counters()``), in a
    /// stable order; counters of another shape are left out.
    public static func totals(in counters: [String: Int]) -> [FinishedDeliveryCount] {
        counters.compactMap { name, count -> FinishedDeliveryCount? in
            let parts = name.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 4, parts[0] == "finished", let state = Delivery.State(rawValue: String(parts[1])),
                let kind = Delivery.Kind(rawValue: String(parts[2]))
            else { return nil }
            return FinishedDeliveryCount(state: state, kind: kind, channel: String(parts[3]), count: count)
        }.sorted {
            ($0.state.rawValue, $0.kind.rawValue, $0.channel) < ($1.state.rawValue, $1.kind.rawValue, $1.channel)
        }
    }
}
