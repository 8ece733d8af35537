import Foundation

extension DaemonConfiguration {
    /// Every key with its value, one `key = value` line each, as the loader reads them back: what
    /// the tests write to load a configuration again. The password itself never appears, only the
    /// key that says where it is read from.
    func fileText() -> String {
        Self.keys.map { key in
            let value = key.render(self)
            return value.isEmpty ? "\(key.name) =" : "\(key.name) = \(Self.quotedIfNeeded(value))"
        }
        .joined(separator: "\n") + "\n"
    }

    /// The value, in double quotes when the loader would otherwise change it.
    static func quotedIfNeeded(_ value: String) -> String {
        guard value.hasPrefix("\"") || value.first?.isWhitespace == true || value.last?.isWhitespace == true else {
            return value
        }
        let escaped = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return "\"\(escaped)\""
    }
}
