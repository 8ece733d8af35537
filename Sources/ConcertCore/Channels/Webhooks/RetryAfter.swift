import Foundation

/// Reads an HTTP `Retry-After` value (RFC 9110 §10.2.3).
public enum RetryAfter {
    /// The longest delay honoured; a receiver asking for more gets this.
    public static let maximum: TimeInterval = 86_400

    /// The delay in seconds from `now` that `value` asks for, or `nil` when it is neither form.
    ///
    /// `value` is delay-seconds (`120`) or an HTTP-date (`Wed, 21 Oct 2015 07:28:00 GMT`, also the
    /// obsolete RFC 850 and asctime forms). A date in the past gives 0; anything is capped at `maximum`.
    /// `now` should be the real time: the date is the receiver's wall clock.
    public static func seconds(from value: String, now: Date) -> TimeInterval? {
        let value = value.trimmingCharacters(in: .whitespaces)
        guard let first = value.utf8.first else { return nil }
        if first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9") {
            guard value.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
            guard let seconds = Double(value) else { return nil }
            return min(seconds, maximum)
        }
        guard let date = httpDate(value) else { return nil }
        return min(max(0, date.timeIntervalSince(now)), maximum)
    }

    /// The three date formats a recipient must accept (RFC 9110 §5.6.7), always in GMT.
    private static let httpDateFormats = [
        "EEE, dd MMM yyyy HH:mm:ss 'GMT'",  // IMF-fixdate
        "EEEE, dd-MMM-yy HH:mm:ss 'GMT'",  // RFC 850
        "EEE MMM d HH:mm:ss yyyy",  // asctime
    ]

    static func httpDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.isLenient = false
        // asctime pads a one-digit day with a space: "Sun Nov  6 08:49:37 1994".
        let text = text.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        for format in httpDateFormats {
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return date }
        }
        return nil
    }
}
