/// A text in Korean, as the source gives it, and in English.
public struct LocalizedText: Codable, Sendable, Hashable {
    public var ko: String
    public var en: String

    public init(ko: String, en: String) {
        self.ko = ko
        self.en = en
    }

    public func text(in language: Language) -> String {
        switch language {
        case .ko: ko
        case .en: en
        }
    }
}
