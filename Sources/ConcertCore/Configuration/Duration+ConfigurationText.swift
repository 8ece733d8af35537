import Foundation

extension Duration {
    /// Parses a duration as the configuration file writes it: a whole number and a unit, `500ms`,
    /// `30s`, `5m`, `2h` or `1d`; a bare `0` is zero. `nil` for anything else.
    public init?(configurationText text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        if trimmed == "0" {
            self = .zero
            return
        }
        let digits = trimmed.prefix { $0.isASCII && $0.isNumber }
        let unit = trimmed.dropFirst(digits.count)
        guard !digits.isEmpty, digits.count <= 9, let value = Int64(digits) else { return nil }
        switch unit {
        case "ms": self = .milliseconds(value)
        case "s": self = .seconds(value)
        case "m": self = .seconds(value * 60)
        case "h": self = .seconds(value * 3600)
        case "d": self = .seconds(value * 86_400)
        default: return nil
        }
    }

    /// The number of digits of `text` when it is written as a duration but is negative or too large
    /// for any key (`-5s`, `9223372036854775807s`): out of range rather than not a duration.
    static func outOfRangeConfigurationDigits(_ text: String) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let negative = trimmed.hasPrefix("-")
        let unsigned = negative ? trimmed.dropFirst() : Substring(trimmed)
        let digits = unsigned.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, ["ms", "s", "m", "h", "d"].contains(unsigned.dropFirst(digits.count)),
            negative || Duration(configurationText: String(unsigned)) == nil
        else { return nil }
        return digits.count
    }

    /// The shortest exact spelling in the configuration file's syntax: `10s`, `1h`, `1500ms`.
    public var configurationText: String {
        let milliseconds = components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
        if milliseconds == 0 { return "0s" }
        guard milliseconds % 1000 == 0 else { return "\(milliseconds)ms" }
        let seconds = milliseconds / 1000
        if seconds % 86_400 == 0 { return "\(seconds / 86_400)d" }
        if seconds % 3600 == 0 { return "\(seconds / 3600)h" }
        if seconds % 60 == 0 { return "\(seconds / 60)m" }
        return "\(seconds)s"
    }
}
