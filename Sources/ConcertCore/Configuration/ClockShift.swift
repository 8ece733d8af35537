import Foundation

/// The shifted scheduler clock asked for by `--clock-start` and `--clock-rate`.
///
/// Only flags set it, never the configuration file: a daemon left on a shifted clock by a
/// forgotten line would send every reminder at the wrong moment. It is kept across reloads. A
/// SQLite daemon's clock starts afresh at every start; instances sharing a PostgreSQL store
/// follow the anchor of those running with the same flags (``StoreMaintenance/anchorClock(_:)``).
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

    /// The years (Korea time) `--clock-start` may fall in: those concert dates may take. Outside
    /// them the calendar arithmetic of Foundation slips (year 1 ran two days late) and a start in
    /// 9999 ran into year 10000, which no date field of the protocol can write.
    public static let startYears: ClosedRange<Int> = 2000...2099

    /// Parses `--clock-start`: an ISO 8601 moment (`2019-10-21T09:00+09:00`; Korea time when no
    /// offset is given) or a date, meaning midnight in Korea, in the years ``startYears``.
    public static func parseStart(_ text: String) throws(ConfigurationValueError) -> Date {
        let start: Date
        let moment: KoreaTime.Moment
        do {
            moment = try KoreaTime.moment(text)
        } catch {
            throw ConfigurationValueError("\(error)")
        }
        switch moment {
        case .instant(let date): start = date
        case .date(let day): start = day.inKorea(hour: 0)
        }
        guard startYears.contains(KoreaTime.localDate(of: start).year) else {
            throw ConfigurationValueError(
                "'\(text)' is out of range: the clock may start from 2000-01-01T00:00+09:00 to "
                    + "2099-12-31T23:59:59+09:00 (the years \(startYears.lowerBound) to \(startYears.upperBound) in Korea, those of concert dates)"
            )
        }
        return start
    }

    /// Parses `--clock-rate`: a positive number up to 1000000 (`3600` makes an hour pass each second).
    public static func parseRate(_ text: String) throws(ConfigurationValueError) -> Double {
        guard let rate = Double(text.trimmingCharacters(in: .whitespaces)), rate.isFinite, rate > 0,
            rate <= 1_000_000
        else { throw ConfigurationValueError("'\(text)' is not a number greater than 0 and at most 1000000") }
        return rate
    }
}
