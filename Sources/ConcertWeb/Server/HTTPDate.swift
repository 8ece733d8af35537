import ConcertCore
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

    /// `Sun, 06 Nov 1994 08:49:37 GMT` for seconds since 1970 (``LocalDate``'s civil-from-days, no
    /// calendar object).
    static func format(second: Int) -> String {
        let days = second >= 0 ? second / 86_400 : (second - 86_399) / 86_400
        let inDay = second - days * 86_400
        let date = LocalDate(daysSinceEpoch: days)
        let weekday = weekdays[((days % 7) + 7) % 7]
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return
            "\(weekday), \(two(date.day)) \(months[date.month - 1]) \(date.year) \(two(inDay / 3600)):\(two(inDay / 60 % 60)):\(two(inDay % 60)) GMT"
    }
}
