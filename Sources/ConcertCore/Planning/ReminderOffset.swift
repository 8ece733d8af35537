import ConcertShared
import Foundation

/// How long before a concert a reminder goes out: `7d`, `1d`, `3h`, `30m`, `90s`.
public struct ReminderOffset: Hashable, Comparable, Sendable, CustomStringConvertible, CodableAsText {
    public var seconds: Int

    public init(seconds: Int) {
        self.seconds = seconds
    }

    /// The offsets used when a subscription names none.
    public static let defaults: [ReminderOffset] = [
        .init(seconds: 7 * 86_400), .init(seconds: 86_400), .init(seconds: 3600),
    ]

    /// The longest offset accepted: a year.
    public static let maximum = ReminderOffset(seconds: 366 * 86_400)

    /// The most offsets one subscription may have: each is a message per concert (and a row of
    /// the outbox per concert and subscription), and 10 covers any sensible plan (a month, a
    /// week, three days, a day, an evening before, hours and minutes before) while keeping a
    /// subscriber's messages, the outbox and every listing bounded.
    public static let maximumCount = 10

    /// Parses one offset such as `7d`; `nil` for anything else.
    public init?(_ text: String) {
        let trimmed = text.trimmingWhitespace().lowercased()
        // At most a year's seconds in any unit: `31622400s` is as valid as `366d`, and the
        // product below cannot overflow.
        guard let unit = trimmed.last, let value = Int(trimmed.dropLast()), value > 0, value <= Self.maximum.seconds
        else {
            return nil
        }
        let multiplier: Int
        switch unit {
        case "d": multiplier = 86_400
        case "h": multiplier = 3600
        case "m": multiplier = 60
        case "s": multiplier = 1
        default: return nil
        }
        self.init(seconds: value * multiplier)
        guard self <= Self.maximum else { return nil }
    }

    /// Parses a comma-separated list (`7d,1d,1h`), largest first, without repeats.
    public static func parseList(_ text: String) throws(OffsetListError) -> [ReminderOffset] {
        let items = text.split(separator: ",", omittingEmptySubsequences: false)
        var offsets: Set<ReminderOffset> = []
        for item in items {
            // `init?(_:)` trims the item itself; the trimmed text is needed only to say what is wrong.
            guard let offset = ReminderOffset(String(item)) else {
                let trimmed = item.trimmingWhitespace()
                throw OffsetListError(
                    text: text,
                    reason: trimmed.isEmpty
                        ? "an empty item"
                        : "'\(trimmed)' is not an offset: write a whole number followed by d, h, m or s (7d, 1d, 3h, 30m, 90s), from 1s to 366d"
                )
            }
            offsets.insert(offset)
        }
        guard offsets.count <= maximumCount else {
            throw OffsetListError(
                text: text,
                reason: "\(offsets.count) offsets; a subscription has at most \(maximumCount) reminders per concert",
                tooMany: true)
        }
        return offsets.sorted(by: >)
    }

    /// The shortest exact spelling: `7d`, `36h`, `90s`.
    public var description: String {
        if seconds == 0 { return "0s" }
        if seconds % 86_400 == 0 { return "\(seconds / 86_400)d" }
        if seconds % 3600 == 0 { return "\(seconds / 3600)h" }
        if seconds % 60 == 0 { return "\(seconds / 60)m" }
        return "\(seconds)s"
    }

    public static func < (lhs: ReminderOffset, rhs: ReminderOffset) -> Bool { lhs.seconds < rhs.seconds }

    public static let textKind = "an offset"
}

public struct OffsetListError: Error, CustomStringConvertible, Sendable {
    public var text: String
    public var reason: String
    /// Whether the list has more than ``ReminderOffset/maximumCount`` offsets, each valid.
    public var tooMany = false
    /// The list quoted (its first 60 characters when longer) with the reason.
    public var description: String {
        let quoted = text.count > 60 ? text.prefix(60) + "…" : Substring(text)
        return "invalid --before list '\(quoted)': \(reason)"
    }
}
