import Foundation

extension StringProtocol {
    /// The text without the whitespace (`CharacterSet.whitespaces`) at either end, as
    /// `trimmingCharacters(in: .whitespaces)` gives it, but without going through NSString: on
    /// Linux that bridge copied the text twice, and a bulk import trims several items per line.
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !CharacterSet.whitespaces.contains($0) }),
            let last = scalars.lastIndex(where: { !CharacterSet.whitespaces.contains($0) })
        else { return "" }
        var trimmed = String.UnicodeScalarView()
        trimmed.append(contentsOf: scalars[first...last])
        return String(trimmed)
    }
}
