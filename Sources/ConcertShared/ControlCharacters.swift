extension StringProtocol {
    /// The first control character (C0, DEL, C1), line or paragraph separator or bidirectional
    /// control in the text, if any: such a character has no place in a one-line name (a title, a venue, a city), where it
    /// would break a subject line, a table row or a terminal.
    public var firstControlCharacter: Unicode.Scalar? {
        unicodeScalars.first { $0.isControlCharacter }
    }
}

extension Unicode.Scalar {
    /// Whether this is a control character (general category Cc: C0, DEL, C1), U+2028/U+2029,
    /// or a bidirectional control (Unicode's Bidi_Control: U+061C, U+200E, U+200F, the embeddings
    /// and overrides U+202A–U+202E, the isolates U+2066–U+2069), which reorders the text shown
    /// around it: `U+202E` makes "concert" display as "trecnoc" and can spoof a name.
    var isControlCharacter: Bool {
        switch value {
        case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029: true
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    /// `U+001B`: how an error names a character it cannot show.
    public var codePointName: String {
        let hex = String(value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}

extension Unicode.Scalar {
    /// What an error calls this character, in the docs' words: "bidirectional control" (U+202E),
    /// "line separator", "paragraph separator", or "control character" (C0, DEL, C1).
    public var controlCharacterKind: String {
        switch value {
        case 0x2028: "line separator"
        case 0x2029: "paragraph separator"
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: "bidirectional control"
        default: "control character"
        }
    }
}
