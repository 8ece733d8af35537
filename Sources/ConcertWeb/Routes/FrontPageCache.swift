import Foundation
import Hummingbird
import Synchronization

/// The front page as rendered, by language, for a second of the daemon's clock: thousands of
/// requests a second cost one store read and one rendering each second. The page is kept as the
/// bytes around its forms' CSRF token (once for each form), which differs per browser, so that a
/// request only copies them around its token.
///
/// When a page is a second old, the first request to see it renders it again while the others keep
/// being served the page they had: no burst of store reads each second, no request waiting for one
/// but the one that renders.
final class FrontPageCache: Sendable {
    struct Page: Sendable {
        /// The page's bytes between the places of the token.
        var parts: [ByteBuffer]
        var rendered: Date

        /// The page with `token` in each of its places.
        func body(token: String) -> ByteBuffer {
            let length = parts.reduce(0) { $0 + $1.readableBytes } + token.utf8.count * (parts.count - 1)
            var buffer = ByteBuffer()
            buffer.reserveCapacity(length)
            for (index, part) in parts.enumerated() {
                if index > 0 { buffer.writeString(token) }
                buffer.writeImmutableBuffer(part)
            }
            return buffer
        }
    }

    /// What a request is to do.
    enum Lookup {
        /// Serve this page.
        case serve(Page)
        /// Render the page and `keep` it (or `abandon` when that fails).
        case render
    }

    private struct Entry {
        var page: Page?
        var rendering = false
    }

    static let csrfMark = "\u{1}csrf\u{1}"
    private let entries = Mutex<[WebLanguage: Entry]>([:])

    func lookup(language: WebLanguage, now: Date) -> Lookup {
        entries.withLock { entries in
            var entry = entries[language] ?? Entry()
            if let page = entry.page, now >= page.rendered, now.timeIntervalSince(page.rendered) < 1 {
                return .serve(page)
            }
            if let page = entry.page, entry.rendering { return .serve(page) }
            entry.rendering = true
            entries[language] = entry
            return .render
        }
    }

    /// Keeps `html` (with ``csrfMark`` where the token goes) as the page of `language` rendered at `now`.
    func keep(_ html: String, language: WebLanguage, now: Date) -> Page {
        let page = Page(
            parts: html.components(separatedBy: Self.csrfMark).map { ByteBuffer(string: $0) }, rendered: now)
        entries.withLock { $0[language] = Entry(page: page, rendering: false) }
        return page
    }

    /// The rendering `lookup` asked for failed: the next request tries again.
    func abandon(language: WebLanguage) {
        entries.withLock { $0[language]?.rendering = false }
    }
}
