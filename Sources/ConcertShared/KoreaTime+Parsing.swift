import Foundation

extension KoreaTime {
    /// Why a text is no moment. One set of messages for every reader of times: the control
    /// requests, the catalog, `--clock-start` and concertctl's options.
    public struct MomentError: Error, Hashable, Sendable, CustomStringConvertible {
        public enum Problem: Sendable, Hashable {
            /// Not of the form `2019-10-29`, `2019-10-29T14:00[:30]`, optionally with `Z` or `+09:00`.
            case form
            /// Of that form, but no day or time of the calendar (`2019-02-30`, `24:00`).
            case calendar
            /// An offset of 24 hours or more (`+24:00`), or minutes of 60 or more.
            case offset
        }

        /// The text as given.
        public var text: String
        public var problem: Problem

        public init(_ text: String, _ problem: Problem) {
            self.text = text
            self.problem = problem
        }

        /// What is wrong, after the text: `is not a real date and time`.
        public var reason: String {
            switch problem {
            case .form:
                "is not an ISO 8601 date or time: write 2019-11-02, 2019-11-02T14:00 (Korea time) or 2019-11-02T14:00+09:00"
            case .calendar: "is not a real date and time"
            case .offset: "has an impossible UTC offset"
            }
        }

        /// `'2019-02-30' is not a real date and time`.
        public var description: String { "'\(text)' \(reason)" }
    }

    /// Parses `2019-10-29`, `2019-10-29T14:00`, `2019-10-29T14:00:30` (a space may stand for the
    /// `T`), each optionally followed by `Z` or an offset such as `+09:00`, with whitespace around
    /// it. A time without an offset is Korea time.
    public static func moment(_ text: String) throws(MomentError) -> Moment {
        try parse(text).moment
    }

    /// ``moment(_:)``, `nil` for a text that is no moment.
    public static func parseMoment(_ text: String) -> Moment? {
        try? parse(text).moment
    }

    /// The text of a moment as a reader that does not take Korea time for granted reads it: the
    /// text, trimmed, with `+09:00` added when it gives a time without an offset.
    public static func withOffset(_ text: String) throws(MomentError) -> String {
        let parsed = try parse(text)
        return parsed.needsOffset ? parsed.trimmed + "+09:00" : parsed.trimmed
    }

    private static func parse(_ text: String) throws(MomentError) -> (
        moment: Moment, trimmed: String, needsOffset: Bool
    ) {
        let s = text.trimmingWhitespace()
        let dateEnd = s.index(s.startIndex, offsetBy: min(10, s.count))
        let dateText = s[..<dateEnd]
        guard Self.isDateForm(dateText) else { throw MomentError(text, .form) }
        guard let date = LocalDate(String(dateText)) else { throw MomentError(text, .calendar) }
        var rest = s[dateEnd...]
        if rest.isEmpty { return (.date(date), s, false) }
        guard rest.first == "T" || rest.first == " " else { throw MomentError(text, .form) }
        rest = rest.dropFirst()
        let parts = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ":") }
        let zone = rest.dropFirst(parts.count)
        let fields = parts.split(separator: ":", omittingEmptySubsequences: false)
        guard fields.count == 2 || fields.count == 3, fields.allSatisfy({ $0.count == 2 }),
            let hour = Int(fields[0]), let minute = Int(fields[1]), let second = fields.count == 3 ? Int(fields[2]) : 0
        else { throw MomentError(text, .form) }
        guard hour < 24, minute < 60, second < 60 else { throw MomentError(text, .calendar) }
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
            default: throw MomentError(text, .form)
            }
            let hm = zone.dropFirst().split(separator: ":", omittingEmptySubsequences: false)
            guard hm.count == 2, hm.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isASCIIDigit) }),
                let oh = Int(hm[0]), let om = Int(hm[1])
            else { throw MomentError(text, .form) }
            guard oh < 24, om < 60 else { throw MomentError(text, .offset) }
            offset = sign * (oh * 3600 + om * 60)
        }
        let seconds = date.daysSinceEpoch * 86_400 + hour * 3600 + minute * 60 + second - offset
        return (.instant(Date(timeIntervalSince1970: TimeInterval(seconds))), s, zone.isEmpty)
    }

    /// `dddd-dd-dd`, ASCII digits only.
    private static func isDateForm(_ text: Substring) -> Bool {
        let utf8 = Array(text.utf8)
        guard utf8.count == 10, utf8[4] == UInt8(ascii: "-"), utf8[7] == UInt8(ascii: "-") else { return false }
        return utf8.enumerated().allSatisfy { index, byte in
            index == 4 || index == 7 || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
