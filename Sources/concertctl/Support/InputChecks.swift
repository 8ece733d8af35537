import ArgumentParser
import ConcertProtocol
import ConcertShared
import Foundation

/// Checks of command-line values made before anything is sent, so a typo costs no round trip.
///
/// Only the form is checked here; the daemon checks meaning (does the city exist, does the
/// concert) and answers `invalid_input` when it disagrees.
enum InputChecks {
    /// A time as the protocol wants it: an ISO date, or a date and time with an offset; a time
    /// without offset is taken as Korea time and gets `+09:00` (``KoreaTime/withOffset(_:)``).
    ///
    /// Returns the text to send and the instant it stands for (a date: its midnight in Korea).
    static func timestamp(_ text: String, option: String) throws -> (text: String, instant: Date) {
        do {
            let sent = try KoreaTime.withOffset(text)
            switch try KoreaTime.moment(text) {
            case .instant(let instant): return (sent, instant)
            case .date(let day): return (sent, day.startInKorea)
            }
        } catch {
            throw ValidationError("\(option) \(error)")
        }
    }

    /// A comma-separated list of offsets (`7d,1d,3h,30m,90s`), each from 1 second to 366 days.
    static func offsets(_ text: String) throws -> [String] {
        let items = text.split(separator: ",", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        }
        let unitSeconds: [Character: Int] = ["d": 86_400, "h": 3600, "m": 60, "s": 1]
        for item in items {
            guard let unit = item.last, let seconds = unitSeconds[unit], let value = Int(item.dropLast()), value > 0,
                case (let total, let overflow) = value.multipliedReportingOverflow(by: seconds), !overflow,
                total <= 366 * 86_400
            else {
                throw ValidationError(
                    "--before '\(text)': '\(item)' is not an offset; write a whole number followed by d, h, m or s (7d,1d,3h,30m), from 1s to 366d"
                )
            }
        }
        return items
    }

    /// An email address of the common `local@domain.tld` form.
    static func email(_ text: String) throws {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."),
            !parts[1].hasSuffix("."), !text.contains(where: \.isWhitespace)
        else {
            throw ValidationError("--email '\(text)' is not an email address (name@example.org)")
        }
    }

    /// An `https://` (or `http://`) URL with a host.
    static func webhookURL(_ text: String) throws {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            scheme == "https" || scheme == "http", let host = components.host, !host.isEmpty
        else {
            throw ValidationError("--webhook must be an https:// (or http://) URL with a host")
        }
    }

    /// The value of a numeric option or argument (`--limit`, a delivery id): a whole number in `range`.
    ///
    /// Used as the option's `transform`, with `parsing: .unconditional` so that `-3` reaches it
    /// instead of being taken for an option ("Missing value").
    static func count<Number: FixedWidthInteger>(_ text: String, in range: ClosedRange<Number>) throws -> Number {
        guard let value = Number(text.trimmingCharacters(in: .whitespaces)), range.contains(value) else {
            // ArgumentParser says which value of which option before this.
            throw ValidationError("it must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    /// `--limit` of the listings.
    static func limit(_ text: String) throws -> Int {
        try count(text, in: 1...ListingPaging.maximumLimit)
    }

    /// A delivery id (`retry ID`), in the protocol's range.
    static func deliveryID(_ text: String) throws -> Int64 {
        try count(text, in: ParamRange.deliveryID)
    }

    /// A non-empty id.
    static func id(_ value: String, _ what: String) throws {
        guard !value.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("\(what) is empty") }
    }
}
