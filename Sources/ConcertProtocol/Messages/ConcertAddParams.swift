/// The parameters of `concert.add`.
///
/// `start` and `end` carry an offset (`2019-11-02T14:00+09:00`) or are ISO dates for a concert
/// whose time is not announced; concertctl adds `+09:00` to a time given without one. Both lie in
/// the years of ``ParamRange/year`` (the daemon parses them, and answers `invalid_params` when
/// they do not). Texts given once are used for both languages.
public struct ConcertAddParams: ControlParams, Hashable {
    /// City ids or names; the first one hosts the concert. At least one.
    public var cities: [String]
    public var title: String
    public var start: String
    /// When absent, the daemon takes two hours after a timed start, or the start day.
    public var end: String?
    /// The venue, used for both languages unless `venueEn` is given.
    public var venue: String?
    /// The venue's English name.
    public var venueEn: String?
    /// The speaker's name.
    public var speaker: String?

    public init(
        cities: [String], title: String, start: String, end: String? = nil, venue: String? = nil,
        venueEn: String? = nil, speaker: String? = nil
    ) {
        self.cities = cities
        self.title = title
        self.start = start
        self.end = end
        self.venue = venue
        self.venueEn = venueEn
        self.speaker = speaker
    }

    private enum CodingKeys: String, CodingKey {
        case cities, title, start, end, venue, speaker
        case venueEn = "venue_en"
    }
}
