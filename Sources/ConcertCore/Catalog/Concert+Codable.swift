import Foundation

/// The JSON shape of a concert, used in the database and (mapped) on the control socket:
/// `start`/`end` are ISO 8601 with `+09:00`, or ISO dates with `time_announced: false`.
extension Concert: Codable {
    enum CodingKeys: String, CodingKey {
        case id, cities, programme, host, title, venue, speaker, start, end, notes, status
        case timeAnnounced = "time_announced"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let startText = try c.decode(String.self, forKey: .start)
        let endText = try c.decode(String.self, forKey: .end)
        let schedule: ConcertSchedule
        switch (KoreaTime.parseMoment(startText), KoreaTime.parseMoment(endText)) {
        case (.instant(let s)?, .instant(let e)?): schedule = .timed(start: s, end: e)
        case (.date(let s)?, .date(let e)?): schedule = .dateOnly(first: s, last: e)
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .start, in: c, debugDescription: "start '\(startText)' and end '\(endText)' do not match")
        }
        self.init(
            id: try c.decode(String.self, forKey: .id),
            cities: try c.decode([String].self, forKey: .cities),
            programme: try c.decodeIfPresent(LocalizedText.self, forKey: .programme),
            host: try c.decodeIfPresent(LocalizedText.self, forKey: .host),
            title: try c.decodeIfPresent(LocalizedText.self, forKey: .title),
            venue: try c.decodeIfPresent(LocalizedText.self, forKey: .venue),
            speaker: try c.decodeIfPresent(Speaker.self, forKey: .speaker),
            schedule: schedule,
            notes: try c.decodeIfPresent([String].self, forKey: .notes) ?? [],
            status: try c.decodeIfPresent(Status.self, forKey: .status) ?? .scheduled)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(cities, forKey: .cities)
        try c.encodeIfPresent(programme, forKey: .programme)
        try c.encodeIfPresent(host, forKey: .host)
        try c.encodeIfPresent(title, forKey: .title)
        try c.encodeIfPresent(venue, forKey: .venue)
        try c.encodeIfPresent(speaker, forKey: .speaker)
        try c.encode(schedule.startString, forKey: .start)
        try c.encode(schedule.endString, forKey: .end)
        try c.encode(schedule.isTimeAnnounced, forKey: .timeAnnounced)
        try c.encode(notes, forKey: .notes)
        try c.encode(status, forKey: .status)
    }
}
