import Foundation

/// A moment as a wall clock at a fixed UTC offset shows it, computed without the system's time
/// zone database or locale, so that headers and calendars never depend on the machine.
struct CivilTime: Hashable {
    var date: LocalDate
    var hour: Int
    var minute: Int
    var second: Int

    /// `instant` at `offsetSeconds` east of UTC, seconds truncated toward the past.
    init(_ instant: Date, offsetSeconds: Int) {
        let total = Int(instant.timeIntervalSince1970.rounded(.down)) + offsetSeconds
        let days = total >= 0 ? total / 86_400 : (total - 86_399) / 86_400
        let seconds = total - days * 86_400
        date = LocalDate(daysSinceEpoch: days)
        hour = seconds / 3600
        minute = seconds % 3600 / 60
        second = seconds % 60
    }

    /// `20191029T140000`: the basic ISO 8601 form iCalendar uses.
    var basic: String {
        Self.basicDate(date) + String(format: "T%02d%02d%02d", hour, minute, second)
    }

    /// `20191027`.
    static func basicDate(_ date: LocalDate) -> String {
        String(format: "%04d%02d%02d", date.year, date.month, date.day)
    }
}
