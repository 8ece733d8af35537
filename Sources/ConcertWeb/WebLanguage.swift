/// The languages of the pages and of reminders.
public enum WebLanguage: String, Sendable, Hashable, CaseIterable {
    case ko
    case en

    /// The language a request asks for: `?lang=` first, then `subscription` (the language of the
    /// subscription a token page is about, so that links from a mail open in the subscriber's
    /// language), then the best of `Accept-Language` (RFC 9110 §12.5.4, with q-values), Korean
    /// when none names one of ours.
    static func preferred(
        query: Substring?, subscription: WebLanguage? = nil, acceptLanguage: String?
    ) -> WebLanguage {
        if let query, let language = WebLanguage(rawValue: String(query)) { return language }
        if let subscription { return subscription }
        guard let acceptLanguage else { return .ko }
        var best: (language: WebLanguage, quality: Double)?
        for range in acceptLanguage.split(separator: ",").prefix(32) {
            let parts = range.split(separator: ";")
            guard let tag = parts.first?.trimmingCharacters(in: .whitespaces).lowercased() else { continue }
            let primary = tag.split(separator: "-").first.map(String.init) ?? tag
            var quality = 1.0
            for parameter in parts.dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1)
                if pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces) == "q" {
                    quality = Double(pair[1].trimmingCharacters(in: .whitespaces)) ?? 0
                }
            }
            guard quality > 0, let language = WebLanguage(rawValue: primary) else { continue }
            if best == nil || quality > best!.quality { best = (language, quality) }
        }
        return best?.language ?? .ko
    }
}
