/// One of the municipalities that hosts (or shares) a talk concert.
public struct City: Codable, Sendable, Hashable, Identifiable {
    /// Stable lowercase romanized id, for example `busan` or `suyeong`.
    public var id: String
    /// Korean short name as people write it (`부산`, `수영구`).
    public var shortName: String
    /// Korean official name (`부산광역시`, `부산광역시 수영구`).
    public var fullName: String
    /// English name (`Busan`, `Suyeong-gu (Busan)`).
    public var englishName: String
    /// Further Korean or English spellings that find this city (`부산시`).
    public var aliases: [String]

    public init(id: String, shortName: String, fullName: String, englishName: String, aliases: [String] = []) {
        self.id = id
        self.shortName = shortName
        self.fullName = fullName
        self.englishName = englishName
        self.aliases = aliases
    }

    public func name(in language: Language) -> String {
        switch language {
        case .ko: shortName
        case .en: englishName
        }
    }

    /// Every spelling that finds this city, normalized for lookup.
    var lookupKeys: [String] {
        ([id, shortName, fullName, englishName] + aliases).map(City.normalize)
    }

    static func normalize(_ name: String) -> String {
        name.lowercased().filter { !$0.isWhitespace }
    }
}
