/// The parameters of `retry`: `{"id": 42}`.
public struct DeliveryIDParams: ControlParams, Hashable {
    /// A delivery id, in ``ParamRange/deliveryID``.
    public var id: Int64

    public init(id: Int64) {
        self.id = id
    }

    public func checkRanges() throws(ControlError) {
        try ParamRange.check(id, in: ParamRange.deliveryID, field: "id")
    }

    public static var integerRanges: [String: ClosedRange<Int64>] { ["id": ParamRange.deliveryID] }
}
