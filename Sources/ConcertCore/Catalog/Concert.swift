import ConcertShared
import Foundation

/// A talk concert: when and where, who hosts it and who speaks.
public struct Concert: Sendable, Hashable, Identifiable {
    public var id: String
    /// The municipalities whose subscribers are reminded of it; the first one hosts it.
    public var cities: [String]
    public var programme: LocalizedText?
    /// Host municipality and department as the source names them.
    public var host: LocalizedText?
    public var title: LocalizedText?
    public var venue: LocalizedText?
    public var speaker: Speaker?
    public var schedule: ConcertSchedule
    /// One note for every correction made to the source, and other remarks.
    public var notes: [String]
    public var status: Status

    public enum Status: String, Codable, Sendable {
        case scheduled
        case cancelled
    }

    public init(
        id: String,
        cities: [String],
        programme: LocalizedText? = nil,
        host: LocalizedText? = nil,
        title: LocalizedText? = nil,
        venue: LocalizedText? = nil,
        speaker: Speaker? = nil,
        schedule: ConcertSchedule,
        notes: [String] = [],
        status: Status = .scheduled
    ) {
        self.id = id
        self.cities = cities
        self.programme = programme
        self.host = host
        self.title = title
        self.venue = venue
        self.speaker = speaker
        self.schedule = schedule
        self.notes = notes
        self.status = status
    }

    /// The parts of a concert whose change subscribers are told about.
    public var announcedFacts: AnnouncedFacts {
        AnnouncedFacts(schedule: schedule, venue: venue, status: status)
    }

    /// The announced facts as a subscriber in `language` reads them: the schedule, the status and
    /// that language's venue (trimmed), so a change of the other language's name is not news.
    public func announcedFacts(in language: Language) -> AnnouncedFactsInLanguage {
        AnnouncedFactsInLanguage(
            schedule: schedule, venue: venue.map { $0.text(in: language).trimmingWhitespace() }, status: status)
    }

    public struct AnnouncedFactsInLanguage: Hashable, Sendable {
        public var schedule: ConcertSchedule
        public var venue: String?
        public var status: Status
    }

    public struct AnnouncedFacts: Hashable, Sendable {
        public var schedule: ConcertSchedule
        public var venue: LocalizedText?
        public var status: Status
    }
}

/// Who speaks at a concert.
public struct Speaker: Codable, Sendable, Hashable {
    public var affiliation: LocalizedText
    public var name: LocalizedText
    public var role: LocalizedText

    public init(affiliation: LocalizedText, name: LocalizedText, role: LocalizedText) {
        self.affiliation = affiliation
        self.name = name
        self.role = role
    }
}

/// When a concert takes place: a start and end instant, or only its days when no time was announced.
public enum ConcertSchedule: Sendable, Hashable {
    case timed(start: Date, end: Date)
    case dateOnly(first: LocalDate, last: LocalDate)

    /// The moment the concert begins; for a date-only concert, the first day's midnight in Korea.
    public var start: Date {
        switch self {
        case .timed(let start, _): start
        case .dateOnly(let first, _): first.startInKorea
        }
    }

    /// The moment the concert is over; for a date-only concert, the end of its last day in Korea.
    public var end: Date {
        switch self {
        case .timed(_, let end): end
        case .dateOnly(_, let last): last.adding(days: 1).startInKorea
        }
    }

    /// The last moment a reminder is still worth sending. For a date-only concert, whose time is
    /// unknown, that is the end of its first day: its same-day reminder goes out at 09:00.
    public var reminderDeadline: Date {
        switch self {
        case .timed(let start, _): start
        case .dateOnly(let first, _): first.adding(days: 1).startInKorea
        }
    }

    public var isTimeAnnounced: Bool {
        if case .timed = self { return true }
        return false
    }

    /// `start` as written in JSON: ISO 8601 with `+09:00`, or an ISO date when no time was announced.
    public var startString: String {
        switch self {
        case .timed(let start, _): KoreaTime.iso8601(start)
        case .dateOnly(let first, _): first.description
        }
    }

    public var endString: String {
        switch self {
        case .timed(_, let end): KoreaTime.iso8601(end)
        case .dateOnly(_, let last): last.description
        }
    }
}
