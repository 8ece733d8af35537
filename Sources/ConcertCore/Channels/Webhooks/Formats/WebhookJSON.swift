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
    public var data: Data { Data(bytes) }

    /// The compact serialization.
    public var serialized: String { String(decoding: bytes, as: UTF8.self) }

    /// The compact serialization as UTF-8 bytes.
    public var bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(1024)
        write(to: &out)
        return out
    }

    /// `.string(text)`, or `.null` when `text` is `nil`.
    public static func optional(_ text: String?) -> WebhookJSON {
        text.map(WebhookJSON.string) ?? .null
    }

    /// Appends the compact serialization to `out`.
    public func write(to out: inout [UInt8]) {
        switch self {
        case .null: out += "null".utf8
        case .bool(let value): out += (value ? "true" : "false").utf8
        case .int(let value): out += String(value).utf8
        case .string(let value): Self.writeString(value, to: &out)
        case .array(let values):
            out.append(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                value.write(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (index, member) in members.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                Self.writeString(member.key, to: &out)
                out.append(UInt8(ascii: ":"))
                member.value.write(to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// Writes `text` quoted, working on its UTF-8 bytes: runs of bytes that need no escape are
    /// copied whole (escaping scalar by scalar into a `String` costs a seventh of a fan-out's CPU).
    static func writeString(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            var runStart = 0
            var index = 0
            let count = utf8.count
            while index < count {
                let byte = utf8[index]
                let escape: String?
                var width = 1
                switch byte {
                case UInt8(ascii: "\""): escape = "\\\""
                case UInt8(ascii: "\\"): escape = "\\\\"
                case UInt8(ascii: "\n"): escape = "\\n"
                case UInt8(ascii: "\r"): escape = "\\r"
                case UInt8(ascii: "\t"): escape = "\\t"
                case 0x08: escape = "\\b"
                case 0x0C: escape = "\\f"
                case 0x00..<0x20: escape = "\\u00" + hexDigits(byte)
                case 0xE2
                where index + 2 < count && utf8[index + 1] == 0x80
                    && (utf8[index + 2] == 0xA8 || utf8[index + 2] == 0xA9):
                    // U+2028 LINE SEPARATOR, U+2029 PARAGRAPH SEPARATOR: invalid in JavaScript strings.
                    escape = utf8[index + 2] == 0xA8 ? "\\u2028" : "\\u2029"
                    width = 3
                default: escape = nil
                }
                if let escape {
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                    out += escape.utf8
                    index += width
                    runStart = index
                } else {
                    index += 1
                }
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<count]))
        }
        out.append(UInt8(ascii: "\""))
    }

    private static func hexDigits(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }
}
