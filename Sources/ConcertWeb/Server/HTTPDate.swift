import Foundation
import Synchronization

/// The `Date` header (RFC 9110 IMF-fixdate), formatted at most once per second.
///
/// Hummingbird's `Application` refreshes such a cache with a one-second timer, which wakes an idle
/// daemon every second; this one is refreshed by the request that finds it stale, so an idle
/// listener costs no wake-up.
final class HTTPDate: Sendable {
    private struct Cached {
        var second: Int
        var text: String
    }

    private let cached = Mutex(Cached(second: -1, text: ""))

    var now: String {
        let second = Int(Date().timeIntervalSince1970)
        if let text = cached.withLock({ $0.second == second ? $0.text : nil }) { return text }
        let text = Self.format(second: second)
        cached.withLock { $0 = Cached(second: second, text: text) }
        return text
    }

    private static let weekdays = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `Sun, 06 Nov 1994 08:49:37 GMT` for seconds since 1970 (civil-from-days, no calendar object).
    static func format(second: Int) -> String {
        let days = second >= 0 ? second / 86_400 : (second - 86_399) / 86_400
        let inDay = second - days * 86_400
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        let weekday = weekdays[((days % 7) + 7) % 7]
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return
            "\(weekday), \(two(day)) \(months[month - 1]) \(year) \(two(inDay / 3600)):\(two(inDay / 60 % 60)):\(two(inDay % 60)) GMT"
    }
}
