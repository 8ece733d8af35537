/// A concert as the control protocol shows it.
///
/// `start` and `end` are ISO 8601 with `+09:00` (`2019-10-29T14:00:00+09:00`), or ISO dates
/// (`2019-10-27`) when no time was announced; `time_announced` says which.
public struct ConcertInfo: Codable, Sendable, Hashable {
    public var id: String
    /// City ids; the first one hosts the concert.
    public var cities: [String]
    public var title: BilingualText?
    public var start: String
    public var end: String
    public var timeAnnounced: Bool
    public var venue: BilingualText?
    public var speaker: SpeakerInfo?
    /// `scheduled` or `cancelled`.
    public var status: String

    public init(
        id: String, cities: [String], title: BilingualText? = nil, start: String, end: String, timeAnnounced: Bool,
        venue: BilingualText? = nil, speaker: SpeakerInfo? = nil, status: String = "scheduled"
    ) {
        self.id = id
        self.cities = cities
        self.title = title
        self.start = start
        self.end = end
        self.timeAnnounced = timeAnnounced
        self.venue = venue
        self.speaker = speaker
        self.status = status
    }

    private enum CodingKeys: String, CodingKey {
        case id, cities, title, start, end, venue, speaker, status
        case timeAnnounced = "time_announced"
    }

    /// `title`, `venue` and `speaker` are always present, `null` when unknown: every concert
    /// carries the same names.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(cities, forKey: .cities)
        try container.encode(title, forKey: .title)
        try container.encode(start, forKey: .start)
        try container.encode(end, forKey: .end)
        try container.encode(timeAnnounced, forKey: .timeAnnounced)
        try container.encode(venue, forKey: .venue)
        try container.encode(speaker, forKey: .speaker)
        try container.encode(status, forKey: .status)
    }
}

/// Who speaks at a concert; a concert added by hand may know only the name.
public struct SpeakerInfo: Codable, Sendable, Hashable {
    public var name: BilingualText
    public var role: BilingualText?
    public var affiliation: BilingualText?

    public init(name: BilingualText, role: BilingualText? = nil, affiliation: BilingualText? = nil) {
        self.name = name
        self.role = role
        self.affiliation = affiliation
    }
}
