/// The language a subscriber receives messages in.
public enum Language: String, Codable, Sendable, CaseIterable {
    case ko
    case en
}
