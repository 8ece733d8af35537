import Foundation

/// A parameter of a statement, sent in PostgreSQL's text format (bytes in binary).
///
/// Text format keeps the statements' parameter types to the server (`$1::bigint` where it cannot
/// infer one) and costs the client about as much as binary for the integers and short strings
/// concertd sends.
public enum PostgresValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case text(String)
    case boolean(Bool)
    case double(Double)
    case bytes(Data)

    /// The text format of the value; `nil` for NULL and for bytes (sent in binary).
    var textForm: String? {
        switch self {
        case .null, .bytes: nil
        case .integer(let value): String(value)
        case .text(let value): value
        case .boolean(let value): value ? "t" : "f"
        case .double(let value): "\(value)"
        }
    }
}

extension PostgresValue: ExpressibleByIntegerLiteral, ExpressibleByStringLiteral, ExpressibleByNilLiteral,
    ExpressibleByBooleanLiteral
{
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(stringLiteral value: String) { self = .text(value) }
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .boolean(value) }
}

extension PostgresValue {
    /// An integer, or NULL for `nil`.
    public static func integer(_ value: Int?) -> Self { value.map { .integer(Int64($0)) } ?? .null }
    /// An integer, or NULL for `nil`.
    public static func integer(_ value: Int64?) -> Self { value.map { .integer($0) } ?? .null }
    /// Text, or NULL for `nil`.
    public static func text(_ value: String?) -> Self { value.map { .text($0) } ?? .null }
}

extension PostgresValue {
    /// A one-dimensional array in PostgreSQL's text form (`{1,2,NULL}`), for `unnest($1::bigint[])`:
    /// one parameter however many rows a set-based statement touches.
    public static func array(_ values: [Int64?]) -> Self {
        .text("{" + values.map { $0.map(String.init) ?? "NULL" }.joined(separator: ",") + "}")
    }

    /// A text array in PostgreSQL's text form: each element double-quoted, `"` and `\` escaped,
    /// `nil` as NULL.
    public static func array(_ values: [String?]) -> Self {
        .text(
            "{"
                + values.map { value in
                    guard let value else { return "NULL" }
                    var quoted = "\""
                    for character in value.unicodeScalars {
                        if character == "\"" || character == "\\" { quoted.unicodeScalars.append("\\") }
                        quoted.unicodeScalars.append(character)
                    }
                    return quoted + "\""
                }.joined(separator: ",") + "}")
    }
}
