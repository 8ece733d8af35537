import Foundation

/// A JSON value whose object keys keep the order they were written in, serialized compactly.
///
/// Webhook bodies are compared byte for byte (golden tests, signatures), so their bytes must not
/// depend on a dictionary's order or an encoder's version: this writer is small and exact. Strings
/// are written as UTF-8 without escaping `/` or non-ASCII text; quotes, backslashes, control
/// characters and U+2028/U+2029 (invalid in JavaScript strings) are escaped.
public indirect enum WebhookJSON: Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case string(String)
    case array([WebhookJSON])
    case object([(key: String, value: WebhookJSON)])

    /// The compact UTF-8 serialization.
    public var data: Data { Data(serialized.utf8) }

    /// The compact serialization.
    public var serialized: String {
        var out = ""
        write(to: &out)
        return out
    }

    /// `.string(text)`, or `.null` when `text` is `nil`.
    public static func optional(_ text: String?) -> WebhookJSON {
        text.map(WebhookJSON.string) ?? .null
    }

    private func write(to out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let value): out += value ? "true" : "false"
        case .int(let value): out += String(value)
        case .string(let value): Self.writeString(value, to: &out)
        case .array(let values):
            out += "["
            for (index, value) in values.enumerated() {
                if index > 0 { out += "," }
                value.write(to: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (index, member) in members.enumerated() {
                if index > 0 { out += "," }
                Self.writeString(member.key, to: &out)
                out += ":"
                member.value.write(to: &out)
            }
            out += "}"
        }
    }

    private static func writeString(_ text: String, to out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case _ where scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029:
                out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
