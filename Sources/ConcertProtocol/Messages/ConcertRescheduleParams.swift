/// The parameters of `concert.reschedule`: what changes; what is not given stays.
///
/// At least one of `start`, `end`, `venue` and `venue_en` is given (`invalid_params` otherwise).
/// A new `start` without `end` keeps the concert's length: the end moves with the start. Times
/// are as in ``ConcertAddParams``. Reminders not yet sent follow the new facts, and subscribers
/// who already heard of the concert are told of the change; a change that leaves the concert as
/// it was queues nothing.
public struct ConcertRescheduleParams: ControlParams, Hashable {
    public var id: String
    /// The new start; absent keeps the start.
    public var start: String?
    /// The new end; absent keeps the length (or the end, when the start is kept too).
    public var end: String?
    /// The new venue, used for both languages unless `venueEn` is given.
    public var venue: String?
    /// The venue's English name; with `venue` absent, the Korean name is kept.
    public var venueEn: String?

    public init(id: String, start: String? = nil, end: String? = nil, venue: String? = nil, venueEn: String? = nil) {
        self.id = id
        self.start = start
        self.end = end
        self.venue = venue
        self.venueEn = venueEn
    }

    private enum CodingKeys: String, CodingKey {
        case id, start, end, venue
        case venueEn = "venue_en"
    }

    /// Whether anything is asked to change.
    public var asksForAChange: Bool { start != nil || end != nil || venue != nil || venueEn != nil }
}
