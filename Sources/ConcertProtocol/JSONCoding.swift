import ConcertShared
import Foundation

/// The one JSON configuration used on the wire and in `--json` output.
///
/// Keys are sorted so that output is stable (golden tests, diffs of scripted output); slashes
/// are not escaped so URLs stay readable. Encoders and decoders are made per call: they are
/// cheap, and `JSONEncoder` is not `Sendable`.
public enum JSONCoding {
    /// An encoder producing one line of compact JSON.
    public static func lineEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// An encoder producing indented JSON for people and `jq`.
    public static func prettyEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
        return encoder
    }

    /// Converts an encodable value to a ``JSONValue``.
    public static func value(of encodable: some Encodable) throws -> JSONValue {
        let data = try lineEncoder().encode(encodable)
        return try JSONDecoder().decode(JSONValue.self, from: data)
    }

    /// Decodes a typed value out of a ``JSONValue``; throws the decoder's `DecodingError`.
    public static func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws -> T {
        let data = try lineEncoder().encode(value)
        return try JSONDecoder().decode(T.self, from: data)
    }
}
