/// Turns a rendered message whose values are already HTML-escaped into a small HTML fragment.
enum MessageHTML {
    /// Paragraphs for blank-line-separated blocks, `<br>` between lines, the first paragraph (the
    /// subject) in `<strong>`, and `http(s)://` URLs as links.
    static func fragment(fromEscapedText text: String) -> String {
        let paragraphs = text.components(separatedBy: "\n\n")
        return paragraphs.enumerated().map { index, paragraph in
            let lines = paragraph.split(separator: "\n", omittingEmptySubsequences: false).map { linkify(String($0)) }
            let inner = lines.joined(separator: "<br>\n")
            return index == 0 ? "<p><strong>\(inner)</strong></p>" : "<p>\(inner)</p>"
        }.joined(separator: "\n")
    }

    /// Wraps each `http://` or `https://` URL of an escaped line in `<a href>`; the URL ends at
    /// whitespace, and a final `.`, `,` or `)` is left outside.
    static func linkify(_ line: String) -> String {
        var result = ""
        var rest = Substring(line)
        while let start = [rest.range(of: "https://"), rest.range(of: "http://")].compactMap({ $0 }).min(by: {
            $0.lowerBound < $1.lowerBound
        }) {
            result += rest[..<start.lowerBound]
            var end = rest[start.lowerBound...].firstIndex(where: \.isWhitespace) ?? rest.endIndex
            while end > start.upperBound, let last = rest[..<end].last, ".,)".contains(last) {
                end = rest.index(before: end)
            }
            let url = rest[start.lowerBound..<end]
            result += end > start.upperBound ? "<a href=\"\(url)\">\(url)</a>" : String(url)
            rest = rest[end...]
        }
        return result + rest
    }
}
