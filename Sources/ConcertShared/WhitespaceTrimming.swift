import Foundation

extension StringProtocol {
    /// The text without the whitespace (`CharacterSet.whitespaces`) at either end, as
    /// `trimmingCharacters(in: .whitespaces)` gives it, but without going through NSString: on
    /// Linux that bridge copied the text twice, and a bulk import trims several items per line.
    public func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.isWhitespaceMember }),
            let last = scalars.lastIndex(where: { !$0.isWhitespaceMember })
        else { return "" }
        var trimmed = String.UnicodeScalarView()
        trimmed.append(contentsOf: scalars[first...last])
        return String(trimmed)
    }
}

extension Unicode.Scalar {
    /// Whether `CharacterSet.whitespaces` holds this scalar: the space separators (Zs), tab and
    /// U+200B, as Foundation's character set lists them. `CharacterSet.whitespaces.contains`
    /// built the set on every call: a fifth of the cost of checking an import line's offsets.
    public var isWhitespaceMember: Bool {
        switch value {
        case 0x20, 0x09, 0xA0, 0x1680, 0x2000...0x200B, 0x202F, 0x205F, 0x3000: true
        default: false
        }
    }
}
