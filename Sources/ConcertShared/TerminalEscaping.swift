/// How characters a terminal would act on are shown in text for a terminal: concertctl's
/// human output, and what `concertd check-config` and a failed start print.
///
/// Every control character (C0, DEL, C1: ESC sequences, carriage returns, bells), every format
/// character (bidirectional overrides and isolates such as U+202E, zero-width characters, the
/// byte-order mark, tag characters), the line and paragraph separators, and code points Unicode
/// has not assigned are written as `\u{XX}`: the code point in upper-case hexadecimal, at least
/// two digits (`\u{1B}[31m`, `\u{202E}`). A label cannot colour, clear, retitle or rewrite the
/// terminal, nor reorder the line it is printed on. Everything else, Hangul and combining marks
/// included, is shown as it is. `--json` output is not escaped this way: it carries every
/// value exactly, in JSON's own escapes.
public enum TerminalEscaping {
    /// `text` with every character ``mustEscape(_:)`` names written as `\u{XX}`; line breaks
    /// kept when `keepingNewlines` (a message body).
    public static func escaped(_ text: String, keepingNewlines: Bool = false) -> String {
        guard text.unicodeScalars.contains(where: { mustEscape($0) }) else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count + 16)
        for scalar in text.unicodeScalars {
            if mustEscape(scalar), !(keepingNewlines && scalar == "\n") {
                let hex = String(scalar.value, radix: 16, uppercase: true)
                result += "\\u{" + (hex.count < 2 ? "0" + hex : hex) + "}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// Whether `scalar` is shown escaped.
    public static func mustEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x20...0x7E: return false
        case 0x00...0x1F, 0x7F...0x9F: return true
        default: break
        }
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .unassigned, .surrogate: return true
        default: return false
        }
    }
}
