extension StringProtocol {
    /// The first control character (C0, DEL, C1) or line or paragraph separator in the text, if
    /// any: such a character has no place in a one-line name (a title, a venue, a city), where it
    /// would break a subject line, a table row or a terminal.
    public var firstControlCharacter: Unicode.Scalar? {
        unicodeScalars.first { $0.isControlCharacter }
    }
}

extension Unicode.Scalar {
    /// Whether this is a control character (general category Cc: C0, DEL, C1) or U+2028/U+2029.
    public var isControlCharacter: Bool {
        switch value {
        case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029: true
        default: false
        }
    }

    /// `U+001B`: how an error names a character it cannot show.
    public var codePointName: String {
        let hex = String(value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}
