/// The result of `concert.add`, `concert.reschedule` and `concert.cancel`.
public struct ConcertChangeResult: Codable, Sendable, Hashable {
    /// The concert as it now stands.
    public var concert: ConcertInfo
    /// How many notices (new concert, change, cancellation) were queued for subscribers.
    public var notices: Int

    public init(concert: ConcertInfo, notices: Int) {
        self.concert = concert
        self.notices = notices
    }
}
