/// A secret value (the SMTP password, a signing secret) that never prints itself.
///
/// `description`, `debugDescription`, string interpolation, `dump` and `print` all show
/// `<redacted>`; only ``revealed`` hands out the value, so every use of the plain text is a
/// visible, searchable call. Deliberately not `Codable`: a secret is never serialised by accident.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// What every textual form of a secret shows.
    public static let placeholder = "<redacted>"

    private let value: String

    public init(_ value: String) {
        self.value = value
    }

    /// The plain text, for the one place that must hand it over (libcurl's password option).
    public var revealed: String { value }

    public var description: String { Self.placeholder }
    public var debugDescription: String { Self.placeholder }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
