/// The parameters of `retry`: `{"id": 42}`.
public struct DeliveryIDParams: Codable, Sendable, Hashable {
    public var id: Int64

    public init(id: Int64) {
        self.id = id
    }
}

/// The result of `retry`: the delivery, scheduled to be sent now.
public struct DeliveryResult: Codable, Sendable, Hashable {
    public var delivery: DeliveryInfo

    public init(delivery: DeliveryInfo) {
        self.delivery = delivery
    }
}
