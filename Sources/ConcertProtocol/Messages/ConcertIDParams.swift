/// The parameters of a method about one concert, `concert.cancel` and `concert.reset`: `{"id": "busan-2019-10-29"}`.
public struct ConcertIDParams: ControlParams, Hashable {
    public var id: String

    public init(id: String) {
        self.id = id
    }
}
