import Foundation

/// The shifted scheduler clock asked for by `--clock-start` and `--clock-rate`.
///
/// Only flags set it, never the configuration file: a daemon left on a shifted clock by a
/// forgotten line would send every reminder at the wrong moment. It is chosen afresh at every
/// start and kept across reloads.
public struct ClockShift: Sendable, Hashable {
    /// The moment the clock reads at start-up; `nil` starts from the real time and only changes the rate.
    public var start: Date?
    /// How many seconds pass on the clock per real second.
    public var rate: Double

    public init(start: Date? = nil, rate: Double = 1) {
        self.start = start
        self.rate = rate
    }

    /// The clock itself, started now.
    public func makeClock(realNow: Date = Date()) -> ShiftedClock {
        ShiftedClock(start: start ?? realNow, rate: rate, realStart: realNow)
    }

    /// Parses `--clock-start`: an ISO 8601 moment (`2019-10-21T09:00+09:00`; Korea time when no
    /// offset is given) or a date, meaning midnight in Korea.
    public static func parseStart(_ text: String) throws(ConfigurationValueError) -> Date {
        switch KoreaTime.parseMoment(text) {
        case .instant(let date)?: return date
        case .date(let day)?: return day.inKorea(hour: 0)
        case nil:
            throw ConfigurationValueError(
                "'\(text)' is not an ISO 8601 date or time such as 2019-10-21 or 2019-10-21T09:00+09:00")
        }
    }

    /// Parses `--clock-rate`: a positive number up to 1000000 (`3600` makes an hour pass each second).
    public static func parseRate(_ text: String) throws(ConfigurationValueError) -> Double {
        guard let rate = Double(text.trimmingCharacters(in: .whitespaces)), rate.isFinite, rate > 0,
            rate <= 1_000_000
        else { throw ConfigurationValueError("'\(text)' is not a number greater than 0 and at most 1000000") }
        return rate
    }
}
