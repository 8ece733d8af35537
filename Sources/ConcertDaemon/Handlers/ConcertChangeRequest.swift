import ConcertCore
import ConcertProtocol
import ConcertShared
import Foundation

/// The schedule and venue a `concert.add` or `concert.reschedule` asks for, checked: what is
/// not given is kept, and a value the daemon had to choose is named in `notes`.
struct ConcertChangeRequest {
    /// What the operator should know about values chosen for them (an end two hours after a start).
    var notes: [String] = []

    /// `start` and `end` of `concert.add`: instants (an offset given, as concertctl always does) or
    /// dates for a concert whose time is not announced. Without an end: two hours after a timed
    /// start, or the start day.
    mutating func newSchedule(start: String, end: String?) throws(ControlError) -> ConcertSchedule {
        let first = try Self.moment(start, field: "start")
        let last = try end.map { text throws(ControlError) in try Self.moment(text, field: "end") }
        guard let last else { return try Self.checkEnd(Self.defaultEnd(from: first)) }
        return try Self.schedule(from: first, to: last)
    }

    /// The schedule after a `concert.reschedule` of `current`: a new start without an end moves
    /// the end by the same amount (a date-only concert keeps its number of days); a new end alone
    /// keeps the start. A date-only concert given a timed start alone is refused: it has no length
    /// to keep, and guessing one would shrink days of events to hours without a word.
    mutating func rescheduled(_ current: ConcertSchedule, start: String?, end: String?) throws(ControlError)
        -> ConcertSchedule
    {
        let schedule = try movedSchedule(current, start: start, end: end)
        return schedule == current ? schedule : try Self.checkEnd(schedule)
    }

    private mutating func movedSchedule(_ current: ConcertSchedule, start: String?, end: String?) throws(ControlError)
        -> ConcertSchedule
    {
        let first = try start.map { text throws(ControlError) in try Self.moment(text, field: "start") }
        let last = try end.map { text throws(ControlError) in try Self.moment(text, field: "end") }
        switch (first, last) {
        case (nil, nil):
            return current
        case (let first?, let last?):
            return try Self.schedule(from: first, to: last)
        case (nil, let last?):
            switch (current, last) {
            case (.timed(let start, _), .instant(let end)):
                return try Self.schedule(from: .instant(start), to: .instant(end))
            case (.dateOnly(let firstDay, _), .date(let lastDay)):
                return try Self.schedule(from: .date(firstDay), to: .date(lastDay))
            case (.timed, .date):
                throw .invalidInput(
                    "the concert has a start time: give the end with a time too, or give --start as a date to drop the time",
                    field: "end")
            case (.dateOnly, .instant):
                throw .invalidInput(
                    "the concert's time is not announced (its start is a date): give the end as a date, or give --start with a time too",
                    field: "end")
            }
        case (let first?, nil):
            switch (current, first) {
            case (.timed(let start, let end), .instant(let newStart)):
                return .timed(start: newStart, end: newStart.addingTimeInterval(end.timeIntervalSince(start)))
            case (.dateOnly(let firstDay, let lastDay), .date(let newFirst)):
                return .dateOnly(
                    first: newFirst, last: newFirst.adding(days: lastDay.daysSinceEpoch - firstDay.daysSinceEpoch))
            case (.timed(let start, let end), .date(let newFirst)):
                // The days it spans in Korea; a concert ending at midnight does not take the next day.
                let days =
                    KoreaTime.localDate(of: end.addingTimeInterval(-1)).daysSinceEpoch
                    - KoreaTime.localDate(of: start).daysSinceEpoch
                return .dateOnly(first: newFirst, last: newFirst.adding(days: max(0, days)))
            case (.dateOnly(let firstDay, let lastDay), .instant):
                throw .invalidInput(
                    "the concert runs \(firstDay) to \(lastDay) with no announced time, so a start with a time has no length to keep: give --end with a time too, or give --start as a date",
                    field: "end")
            }
        }
    }

    /// The venue after a change, each name trimmed: `venue` replaces the Korean name and
    /// `venueEn` the English one, and a name not given stays. A concert without a venue (or a new
    /// one) given one name only uses it for both languages.
    static func venue(ko: String?, en: String?, current: LocalizedText?) throws(ControlError) -> LocalizedText? {
        let ko = try ko.map { text throws(ControlError) in try nonEmpty(text, field: "venue") }
        let en = try en.map { text throws(ControlError) in try nonEmpty(text, field: "venue_en") }
        switch (ko, en) {
        case (nil, nil): return current
        case (let ko?, nil): return LocalizedText(ko: ko, en: current?.en ?? ko)
        case (let ko?, let en?): return LocalizedText(ko: ko, en: en)
        case (nil, let en?): return LocalizedText(ko: current?.ko ?? en, en: en)
        }
    }

    /// A one-line name (title, venue, speaker, city) trimmed: refused when empty or when it holds a
    /// control character, which would break a subject line, a table row or a terminal.
    /// `subject` is how the message names the text ("a city" for one of `cities`).
    static func nonEmpty(_ text: String, field: String, subject: String? = nil) throws(ControlError) -> String {
        let subject = subject ?? "the \(field)"
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw .invalidInput("\(subject) is empty", field: field) }
        if let scalar = trimmed.firstControlCharacter {
            throw .invalidInput(
                "\(subject) holds the \(scalar.controlCharacterKind) \(scalar.codePointName); give it on one line without control characters or bidirectional controls",
                field: field)
        }
        return trimmed
    }

    /// Refuses a schedule that ends after the last year dates may have (2099, Korea time): an
    /// end two hours after a start late on 31 December 2099, or moved along with its start.
    static func checkEnd(_ schedule: ConcertSchedule) throws(ControlError) -> ConcertSchedule {
        let lastDay: LocalDate =
            switch schedule {
            case .timed(_, let end): KoreaTime.localDate(of: end)
            case .dateOnly(_, let last): last
            }
        guard !ParamRange.year.contains(lastDay.year) else { return schedule }
        throw .invalidInput(
            "the concert would end on \(lastDay), outside the years \(ParamRange.year.lowerBound) to \(ParamRange.year.upperBound) (Korea time): give an earlier start or end",
            field: "end")
    }

    /// Two hours: the length of a timed concert added or moved without an end.
    static let defaultLength: TimeInterval = 2 * 3600

    private static func moment(_ text: String, field: String) throws(ControlError) -> KoreaTime.Moment {
        let moment: KoreaTime.Moment
        do {
            moment = try KoreaTime.moment(text)
        } catch {
            throw .invalidInput("\(error)", field: field)
        }
        try DaemonControlHandler.checkYear(moment, field: field)
        return moment
    }

    private static func defaultEnd(from first: KoreaTime.Moment) -> ConcertSchedule {
        switch first {
        case .instant(let start): .timed(start: start, end: start.addingTimeInterval(defaultLength))
        case .date(let day): .dateOnly(first: day, last: day)
        }
    }

    private static func schedule(from first: KoreaTime.Moment, to last: KoreaTime.Moment) throws(ControlError)
        -> ConcertSchedule
    {
        switch (first, last) {
        case (.instant(let s), .instant(let e)):
            guard e > s else {
                throw .invalidInput(
                    "the end \(KoreaTime.iso8601(e)) is not after the start \(KoreaTime.iso8601(s))", field: "end")
            }
            return .timed(start: s, end: e)
        case (.date(let s), .date(let e)):
            guard e >= s else { throw .invalidInput("the end \(e) is before the start \(s)", field: "end") }
            return .dateOnly(first: s, last: e)
        default:
            throw .invalidInput(
                "give the start and end both as dates (time not announced) or both with a time", field: "end")
        }
    }
}
