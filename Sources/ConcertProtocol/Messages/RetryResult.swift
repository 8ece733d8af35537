/// The result of `retry`: the delivery, scheduled to be sent now.
public struct RetryResult: Codable, Sendable, Hashable {
    public var delivery: DeliveryInfo

    public init(delivery: DeliveryInfo) {
        self.delivery = delivery
    }
}
