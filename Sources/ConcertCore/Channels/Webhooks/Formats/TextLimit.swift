/// Shortens a message to a service's documented length limit without splitting a character.
enum TextLimit {
    /// What ends a shortened text.
    static let marker = "…"

    /// `text` itself when it fits, else its longest prefix of whole characters that fits with `marker` after it.
    ///
    /// Limits count UTF-16 code units (what JavaScript-based services count as characters, and never
    /// fewer than Unicode scalars) and, when given, UTF-8 bytes. Cutting at a `Character` keeps
    /// surrogate pairs, emoji sequences and Hangul syllables whole.
    static func truncate(_ text: String, maxUTF16: Int, maxUTF8: Int = .max) -> String {
        if text.utf16.count <= maxUTF16, text.utf8.count <= maxUTF8 { return text }
        var budget16 = maxUTF16 - marker.utf16.count
        var budget8 = maxUTF8 == .max ? .max : maxUTF8 - marker.utf8.count
        var end = text.startIndex
        for character in text {
            let size16 = character.utf16.count
            let size8 = character.utf8.count
            guard size16 <= budget16, size8 <= budget8 else { break }
            budget16 -= size16
            budget8 -= size8
            end = text.index(after: end)
        }
        var kept = text[..<end]
        while let last = kept.last, last.isWhitespace { kept = kept.dropLast() }
        return kept + marker
    }
}
