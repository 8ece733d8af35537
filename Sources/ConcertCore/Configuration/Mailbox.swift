import Foundation

/// An email address with an optional display name: `reminders@example.org` or
/// `스마트시티 알림 <reminders@example.org>` (RFC 5322's `mailbox`).
///
/// The display name is kept as Unicode text; the message builder encodes it (RFC 2047) when it
/// writes a header. The address is checked with ``EmailAddress/problem(with:)``, the same rule
/// used for subscribers.
public struct Mailbox: Sendable, Hashable, CustomStringConvertible {
    public var displayName: String?
    public var address: String

    public init(displayName: String? = nil, address: String) {
        self.displayName = displayName
        self.address = address
    }

    /// `Name <address>`, or the bare address when there is no name.
    public var description: String {
        guard let displayName else { return address }
        return "\(displayName) <\(address)>"
    }

    /// Parses `address`, `Name <address>` or `"Name" <address>`.
    public init(parsing text: String) throws(ConfigurationValueError) {
        let text = text.trimmingCharacters(in: .whitespaces)
        guard text.hasSuffix(">"), let open = text.lastIndex(of: "<") else {
            try self.init(displayName: nil, address: Self.checkedAddress(text))
            return
        }
        let address = String(text[text.index(after: open)..<text.index(before: text.endIndex)])
        var name = text[..<open].trimmingCharacters(in: .whitespaces)
        if name.count >= 2, name.hasPrefix("\""), name.hasSuffix("\"") {
            name = String(name.dropFirst().dropLast())
        }
        try self.init(displayName: Self.checkedDisplayName(name), address: Self.checkedAddress(address))
    }

    /// The address alone, refused with the reason when it is not one concertd can send from.
    static func checkedAddress(_ text: String) throws(ConfigurationValueError) -> String {
        if let problem = EmailAddress.problem(with: text) {
            throw ConfigurationValueError(problem)
        }
        return text
    }

    /// A display name: printable text, without the characters that would break the header.
    static func checkedDisplayName(_ text: String) throws(ConfigurationValueError) -> String? {
        if text.isEmpty { return nil }
        guard text.count <= 200 else { throw ConfigurationValueError("the display name is longer than 200 characters") }
        guard !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw ConfigurationValueError("the display name contains control characters")
        }
        guard !text.contains(where: { "<>\"\\".contains($0) }) else {
            throw ConfigurationValueError("the display name must not contain <, >, \" or \\")
        }
        return text
    }
}
