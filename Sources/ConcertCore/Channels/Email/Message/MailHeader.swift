import Foundation

/// Header fields written as 7-bit lines folded to at most 78 characters (RFC 5322 §2.1.1).
///
/// A value is a list of tokens: the folder puts one space between two tokens, or a line break
/// and a space when the next token would not fit, so unfolding gives back the same value. A
/// token longer than a line (a long URL) is never split and may make a line longer than 78.
enum MailHeader {
    /// The length a folded line keeps within, CRLF excluded.
    static let maxLineLength = 78

    /// `Name: token token…` ending in CRLF, folded between tokens.
    static func field(_ name: String, _ tokens: [String]) -> String {
        var lines: [String] = []
        var line = name + ":"
        var lineHasToken = false
        for token in tokens {
            if lineHasToken && line.utf8.count + 1 + token.utf8.count > maxLineLength {
                lines.append(line)
                line = ""
            }
            line += " " + token
            lineHasToken = true
        }
        lines.append(line)
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// `Name: value` for a field whose value is a single token.
    static func field(_ name: String, _ value: String) -> String {
        field(name, [value])
    }

    /// An unstructured field (`Subject`): ASCII words when the text allows, RFC 2047 words otherwise.
    ///
    /// Line breaks, tabs and runs of spaces in `text` become one space. Text that is not printable
    /// ASCII, that looks like an encoded word, or that has a word too long to fold is encoded.
    static func unstructured(_ name: String, _ text: String) -> String {
        let words = singleSpaced(text).split(separator: " ").map(String.init)
        let longest = maxLineLength - name.utf8.count - 2
        let plain =
            words.allSatisfy { $0.utf8.count <= longest }
            && words.allSatisfy { $0.unicodeScalars.allSatisfy(isPrintableASCII) }
            && !text.contains("=?")
        if plain { return field(name, words) }
        return field(name, MIMEEncoding.encodedWords(words.joined(separator: " "), firstWordLimit: longest))
    }

    /// A mailbox field (`From`, `Reply-To`): `"Name" <address>` or `=?UTF-8?B?…?= <address>`, or
    /// the bare address when there is no name.
    ///
    /// A printable ASCII name is a quoted string, folded between its words when long (unfolding
    /// gives the name back). Any other name is RFC 2047 words, each ending after a space of the name
    /// where one fits (see ``MIMEEncoding/encodedWords(_:firstWordLimit:breakAfterSpaces:)``). A name
    /// that looks like an encoded word (`=?`) is encoded too: some readers (Python's `email` among
    /// them) decode encoded words even inside a quoted string.
    static func mailbox(_ name: String, address: String, displayName: String?) -> String {
        let display = displayName.map(singleSpaced) ?? ""
        guard !display.isEmpty else { return field(name, address) }
        let room = maxLineLength - name.utf8.count - 2
        let words = display.split(separator: " ").map {
            $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        }
        let quotable =
            display.unicodeScalars.allSatisfy(isPrintableASCII) && !display.contains("=?")
            && words.allSatisfy { $0.utf8.count + 2 <= room }
        if quotable {
            var tokens = words
            tokens[0] = "\"" + tokens[0]
            tokens[tokens.count - 1] += "\""
            return field(name, tokens + ["<" + address + ">"])
        }
        let encoded = MIMEEncoding.encodedWords(display, firstWordLimit: room, breakAfterSpaces: true)
        return field(name, encoded + ["<" + address + ">"])
    }

    /// `text` on one line: whitespace and control characters become single spaces, none at either end.
    static func singleSpaced(_ text: String) -> String {
        var result = ""
        var pendingSpace = false
        for scalar in text.unicodeScalars {
            if scalar.properties.isWhitespace || scalar.properties.generalCategory == .control {
                pendingSpace = !result.isEmpty
            } else {
                if pendingSpace { result += " " }
                pendingSpace = false
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    private static func isPrintableASCII(_ scalar: Unicode.Scalar) -> Bool {
        (0x20...0x7E).contains(scalar.value)
    }

    /// `Tue, 29 Oct 2019 14:00:00 +0900`: an RFC 5322 date-time in Korea time.
    static func date(_ instant: Date) -> String {
        let time = KoreaTime.LocalDateTime(instant)
        let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let day = time.date
        return "\(weekdays[day.weekday]), \(day.day) \(months[day.month - 1]) \(String(format: "%04d", day.year)) "
            + String(format: "%02d:%02d:%02d", time.hour, time.minute, time.second) + " +0900"
    }
}
