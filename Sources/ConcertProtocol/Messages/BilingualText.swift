/// A text in Korean and in English, as the catalog keeps titles, venues and names: `{"ko", "en"}`.
public struct BilingualText: Codable, Sendable, Hashable {
    public var ko: String
    public var en: String

    public init(ko: String, en: String) {
        self.ko = ko
        self.en = en
    }

    /// The same text in both languages, for input given in one (`concert add --title`).
    public init(_ text: String) {
        self.init(ko: text, en: text)
    }
}
