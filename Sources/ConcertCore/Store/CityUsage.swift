/// What still names a city: subscriptions not removed (active, paused or disabled: any may be
/// resumed) and concerts added or changed with concertctl that are scheduled and not over (a
/// catalog reload keeps those as they are). A catalog that drops such a city would leave them
/// with a city nobody can look up.
public struct CityUsage: Sendable, Hashable {
    public var subscriptions = 0
    public var concerts: [String] = []

    public init(subscriptions: Int = 0, concerts: [String] = []) {
        self.subscriptions = subscriptions
        self.concerts = concerts
    }

    public var isEmpty: Bool { subscriptions == 0 && concerts.isEmpty }
}
