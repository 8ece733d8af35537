/// A value that JSON holds as its text: read with `init?(_:)`, written as `description`
/// (`2019-10-27`, `7d`).
public protocol CodableAsText: Codable, CustomStringConvertible {
    /// The value `text` writes, `nil` for a text that writes none.
    init?(_ text: String)
    /// What a text that writes no value is not, for the decoding error: `a date`.
    static var textKind: String { get }
}

extension CodableAsText {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = Self(text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "not \(Self.textKind)"))
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
