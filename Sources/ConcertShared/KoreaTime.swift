import Foundation

/// Korea Standard Time: UTC+09:00, no daylight saving time since 1988.
///
/// A fixed offset rather than the `Asia/Seoul` zone, so that results never depend on the
/// machine's time zone database or its `TZ`.
public enum KoreaTime {
    public static let offsetSeconds = 9 * 3600

    /// `2019-10-29T14:00:00+09:00`.
    public static func iso8601(_ date: Date) -> String {
        let time = LocalDateTime(date)
        return time.date.description
            + String(format: "T%02d:%02d:%02d+09:00", time.hour, time.minute, time.second)
    }

    /// The calendar day in Korea on which `date` falls.
    public static func localDate(of date: Date) -> LocalDate {
        LocalDateTime(date).date
    }

    /// Hour and minute in Korea.
    public static func timeOfDay(_ date: Date) -> (hour: Int, minute: Int) {
        let time = LocalDateTime(date)
        return (time.hour, time.minute)
    }

    /// A moment as the date and time of day at a fixed offset from UTC: Korea's, unless another
    /// offset is given (iCalendar stamps its messages in UTC).
    ///
    /// Computed by arithmetic on the offset, without the system's time zone database, locale or
    /// `Calendar` (which costs far more per call), so that texts, headers and calendars never depend
    /// on the machine. Seconds are truncated toward the past.
    public struct LocalDateTime: Hashable, Sendable {
        public var date: LocalDate
        public var hour: Int
        public var minute: Int
        public var second: Int

        public init(_ instant: Date, offsetSeconds: Int = KoreaTime.offsetSeconds) {
            let total = Int(instant.timeIntervalSince1970.rounded(.down)) + offsetSeconds
            let days = total >= 0 ? total / 86_400 : (total - 86_399) / 86_400
            let seconds = total - days * 86_400
            date = LocalDate(daysSinceEpoch: days)
            hour = seconds / 3600
            minute = seconds % 3600 / 60
            second = seconds % 60
        }

        /// `20191029T140000`: the basic ISO 8601 form iCalendar uses.
        public var basic: String {
            date.basic + String(format: "T%02d%02d%02d", hour, minute, second)
        }
    }

    /// A moment as users and the catalog write it.
    public enum Moment: Hashable, Sendable {
        case instant(Date)
        case date(LocalDate)
    }
}
