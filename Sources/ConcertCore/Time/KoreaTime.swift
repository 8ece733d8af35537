import Foundation

/// Korea Standard Time: UTC+09:00, no daylight saving time since 1988.
///
/// A fixed offset rather than the `Asia/Seoul` zone, so that results never depend on the
/// machine's time zone database or its `TZ`.
public enum KoreaTime {
    public static let offsetSeconds = 9 * 3600

    /// `2019-10-29T14:00:00+09:00`.
    public static func iso8601(_ date: Date) -> String {
        let clock = WallClock(date)
        return clock.date.description
            + String(format: "T%02d:%02d:%02d+09:00", clock.hour, clock.minute, clock.second)
    }

    /// The calendar day in Korea on which `date` falls.
    public static func localDate(of date: Date) -> LocalDate {
        WallClock(date).date
    }

    /// Hour and minute in Korea.
    public static func timeOfDay(_ date: Date) -> (hour: Int, minute: Int) {
        let clock = WallClock(date)
        return (clock.hour, clock.minute)
    }

    /// A moment as a wall clock at a fixed offset from UTC shows it: Korea's, unless another
    /// offset is given (iCalendar stamps its messages in UTC).
    ///
    /// Computed by arithmetic on the offset, without the system's time zone database, locale or
    /// `Calendar` (which costs far more per call), so that texts, headers and calendars never depend
    /// on the machine. Seconds are truncated toward the past.
    public struct WallClock: Hashable, Sendable {
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

    /// Parses `2019-10-29`, `2019-10-29T14:00`, `2019-10-29T14:00:30`, each optionally followed by
    /// `Z` or an offset such as `+09:00`. A time without an offset is Korea time.
    public static func parseMoment(_ text: String) -> Moment? {
        let s = text.trimmingCharacters(in: .whitespaces)
        let dateEnd = s.index(s.startIndex, offsetBy: min(10, s.count))
        guard let date = LocalDate(String(s[..<dateEnd])) else { return nil }
        var rest = s[dateEnd...]
        if rest.isEmpty { return .date(date) }
        guard rest.first == "T" || rest.first == " " else { return nil }
        rest = rest.dropFirst()
        let parts = rest.prefix { $0.isNumber || $0 == ":" }
        let zone = rest.dropFirst(parts.count)
        let fields = parts.split(separator: ":", omittingEmptySubsequences: false)
        guard fields.count == 2 || fields.count == 3,
            fields.allSatisfy({ $0.count == 2 }),
            let hour = Int(fields[0]), let minute = Int(fields[1]),
            hour < 24, minute < 60
        else { return nil }
        let second = fields.count == 3 ? Int(fields[2]) ?? 99 : 0
        guard second < 60 else { return nil }
        let offset: Int
        if zone.isEmpty {
            offset = offsetSeconds
        } else if zone == "Z" {
            offset = 0
        } else {
            let sign: Int
            switch zone.first {
            case "+": sign = 1
            case "-": sign = -1
            default: return nil
            }
            let hm = zone.dropFirst().split(separator: ":", omittingEmptySubsequences: false)
            guard hm.count == 2, hm.allSatisfy({ $0.count == 2 }), let oh = Int(hm[0]), let om = Int(hm[1]),
                oh < 24, om < 60
            else { return nil }
            offset = sign * (oh * 3600 + om * 60)
        }
        let seconds = date.daysSinceEpoch * 86_400 + hour * 3600 + minute * 60 + second - offset
        return .instant(Date(timeIntervalSince1970: TimeInterval(seconds)))
    }
}
