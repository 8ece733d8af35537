/// The parameters of `concert.reschedule`: a new start, and optionally a new end and venue.
///
/// Reminders not yet sent are replaced by ones for the new time, and subscribers are told of
/// the change. Times as in ``ConcertAddParams``.
public struct ConcertRescheduleParams: ControlParams, Hashable {
    public var id: String
    public var start: String
    public var end: String?
    public var venue: String?

    public init(id: String, start: String, end: String? = nil, venue: String? = nil) {
        self.id = id
        self.start = start
        self.end = end
        self.venue = venue
    }
}
