import Foundation
import Synchronization

/// The front page as rendered, by language, for a second of the daemon's clock: thousands of
/// requests a second cost one store read and one rendering each second. The page is kept in two
/// halves around its forms' CSRF token, which differs per browser.
final class FrontPageCache: Sendable {
    struct Entry {
        var halves: [String]
        var rendered: Date
    }

    static let csrfMark = "\u{1}csrf\u{1}"
    private let entries = Mutex<[WebLanguage: Entry]>([:])

    func page(language: WebLanguage, now: Date) -> [String]? {
        entries.withLock { entries in
            guard let entry = entries[language], now >= entry.rendered, now.timeIntervalSince(entry.rendered) < 1 else {
                return nil
            }
            return entry.halves
        }
    }

    func keep(_ html: String, language: WebLanguage, now: Date) -> [String] {
        let halves = html.components(separatedBy: Self.csrfMark)
        entries.withLock { $0[language] = Entry(halves: halves, rendered: now) }
        return halves
    }
}
