/// The parameters of a method about one subscription (`unsubscribe`, `pause`, `resume`, `test`).
public struct SubscriptionIDParams: ControlParams, Hashable {
    public var id: String

    public init(id: String) {
        self.id = id
    }
}
