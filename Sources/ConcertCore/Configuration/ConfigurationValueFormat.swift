import Foundation
import Logging

/// How one kind of configuration value is read from its text and written back.
///
/// Used for the lines of the file and for the flags that override them, so that both accept and
/// refuse exactly the same values. Error messages never repeat a value that may hold a secret.
struct ConfigurationValueFormat<Value: Sendable>: Sendable {
    /// Whether an empty value is accepted (it leaves an optional key unset).
    let allowsEmpty: Bool
    /// The least and greatest values accepted, written as the file writes them, for a bounded
    /// number or duration (the docs and the shipped file are checked against it).
    let range: ConfigurationValueRange?
    let parse: @Sendable (String) throws(ConfigurationValueError) -> Value
    let render: @Sendable (Value) -> String

    init(
        allowsEmpty: Bool = false,
        range: ConfigurationValueRange? = nil,
        parse: @escaping @Sendable (String) throws(ConfigurationValueError) -> Value,
        render: @escaping @Sendable (Value) -> String
    ) {
        self.allowsEmpty = allowsEmpty
        self.range = range
        self.parse = parse
        self.render = render
    }

    /// The same format for an optional key: an empty value is `nil`, the built-in behaviour.
    func optional() -> ConfigurationValueFormat<Value?> {
        let parse = self.parse
        let render = self.render
        return .init(
            allowsEmpty: true,
            range: range,
            parse: { (text: String) throws(ConfigurationValueError) -> Value? in
                text.isEmpty ? nil : try parse(text)
            },
            render: { $0.map(render) ?? "" }
        )
    }
}

/// A number too large to repeat in a message (it may run to thousands of digits) by its length,
/// a shorter one as written.
private func outOfRangeText(_ text: String, digits: Int) -> String {
    text.count <= 40 ? text : "a number of \(digits) digits"
}

/// The bounds of a number or duration key, written as the configuration file writes them.
struct ConfigurationValueRange: Sendable, Hashable, CustomStringConvertible {
    let lower: String
    let upper: String

    /// `1 to 10000`, as the shipped file and the error messages say it.
    var description: String { "\(lower) to \(upper)" }
}

extension ConfigurationValueFormat where Value == String {
    /// An absolute path (the daemon may change directory; a relative path would move with it).
    static var absolutePath: Self {
        Self(
            parse: { (text: String) throws(ConfigurationValueError) -> String in
                guard text.hasPrefix("/") else {
                    throw ConfigurationValueError("'\(text)' is not an absolute path (it must start with /)")
                }
                guard !text.contains("\0") else { throw ConfigurationValueError("the path contains a NUL byte") }
                return text
            },
            render: { $0 }
        )
    }

    /// A Unix group name such as `concertd-control`.
    static var groupName: Self {
        Self(
            parse: { (text: String) throws(ConfigurationValueError) -> String in
                let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")
                guard text.count <= 32, text.allSatisfy(allowed.contains), !text.hasPrefix("-") else {
                    throw ConfigurationValueError("'\(text)' is not a group name (letters, digits, _ . -; at most 32)")
                }
                return text
            },
            render: { $0 }
        )
    }

    /// The name of an environment variable.
    static var environmentName: Self {
        Self(
            parse: { (text: String) throws(ConfigurationValueError) -> String in
                let first = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
                let rest = first.union("0123456789")
                guard let head = text.first, first.contains(head), text.allSatisfy(rest.contains) else {
                    throw ConfigurationValueError("'\(text)' is not an environment variable name (letters, digits, _)")
                }
                return text
            },
            render: { $0 }
        )
    }

    /// The name of a systemd credential: one path component.
    static var credentialName: Self {
        Self(
            parse: { (text: String) throws(ConfigurationValueError) -> String in
                guard text != ".", text != "..", !text.contains("/"),
                    text.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7f })
                else { throw ConfigurationValueError("'\(text)' is not a credential name (printable, no '/')") }
                return text
            },
            render: { $0 }
        )
    }

    /// A display name for a From header.
    static var displayName: Self {
        Self(
            parse: { (text: String) throws(ConfigurationValueError) -> String in
                guard let name = try Mailbox.checkedDisplayName(text) else {
                    throw ConfigurationValueError("the display name is empty")
                }
                return name
            },
            render: { $0 }
        )
    }

    /// A bare email address, without display name.
    static var address: Self {
        Self(
            parse: { (text: String) throws(ConfigurationValueError) -> String in try Mailbox.checkedAddress(text) },
            render: { $0 }
        )
    }

    /// An https URL in which `{subscription}` is replaced by a subscription id.
    static var unsubscribeURLTemplate: Self {
        Self(
            parse: { (text: String) throws(ConfigurationValueError) -> String in
                let sample = text.replacingOccurrences(of: "{subscription}", with: "sub-x")
                guard text.contains("{subscription}") else {
                    throw ConfigurationValueError(
                        "the template must contain {subscription}, replaced by the subscription id")
                }
                guard let components = URLComponents(string: sample), components.scheme?.lowercased() == "https",
                    components.host?.isEmpty == false
                else { throw ConfigurationValueError("the template must be an https:// URL with a host") }
                return text
            },
            render: { $0 }
        )
    }
}

extension ConfigurationValueFormat where Value == Int {
    /// A whole number within `range`.
    static func integer(in range: ClosedRange<Int>) -> Self {
        Self(
            range: ConfigurationValueRange(lower: String(range.lowerBound), upper: String(range.upperBound)),
            parse: { (text: String) throws(ConfigurationValueError) -> Int in
                let digits = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
                guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                    throw ConfigurationValueError("'\(text)' is not a whole number")
                }
                guard let value = Int(text) else {
                    // A whole number, only too large for any key.
                    throw ConfigurationValueError(
                        "\(outOfRangeText(text, digits: digits.count)) is out of range: use \(range.lowerBound) to \(range.upperBound)"
                    )
                }
                guard range.contains(value) else {
                    throw ConfigurationValueError(
                        "\(value) is out of range: use \(range.lowerBound) to \(range.upperBound)")
                }
                return value
            },
            render: { String($0) }
        )
    }
}

extension ConfigurationValueFormat where Value == Duration {
    /// A duration (`500ms`, `30s`, `5m`, `2h`, `1d`) within `range`.
    static func duration(in range: ClosedRange<Duration>) -> Self {
        Self(
            range: ConfigurationValueRange(
                lower: range.lowerBound.configurationText, upper: range.upperBound.configurationText),
            parse: { (text: String) throws(ConfigurationValueError) -> Duration in
                guard let value = Duration(configurationText: text) else {
                    if let digits = Duration.outOfRangeConfigurationDigits(text) {
                        throw ConfigurationValueError(
                            "\(outOfRangeText(text.trimmingCharacters(in: .whitespaces), digits: digits)) is out of range: use \(range.lowerBound.configurationText) to \(range.upperBound.configurationText)"
                        )
                    }
                    throw ConfigurationValueError(
                        "'\(text)' is not a duration: write a whole number and a unit, such as 500ms, 30s, 5m, 2h or 1d"
                    )
                }
                guard range.contains(value) else {
                    throw ConfigurationValueError(
                        "\(value.configurationText) is out of range: use \(range.lowerBound.configurationText) to \(range.upperBound.configurationText)"
                    )
                }
                return value
            },
            render: { $0.configurationText }
        )
    }
}

extension ConfigurationValueFormat where Value == Bool {
    /// `on`/`off`, `yes`/`no`, `true`/`false` or `1`/`0`; written back as `on`/`off`.
    static var boolean: Self {
        Self(
            parse: { (text: String) throws(ConfigurationValueError) -> Bool in
                switch text.lowercased() {
                case "on", "yes", "true", "1": return true
                case "off", "no", "false", "0": return false
                default:
                    throw ConfigurationValueError("'\(text)' is not on or off (also accepted: yes/no, true/false, 1/0)")
                }
            },
            render: { $0 ? "on" : "off" }
        )
    }
}

extension ConfigurationValueFormat where Value == Logger.Level {
    /// A swift-log level name.
    static var logLevel: Self {
        Self(
            parse: { (text: String) throws(ConfigurationValueError) -> Logger.Level in
                guard let level = Logger.Level(rawValue: text.lowercased()) else {
                    let names = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
                    throw ConfigurationValueError("'\(text)' is not a log level: use one of \(names)")
                }
                return level
            },
            render: { $0.rawValue }
        )
    }
}

extension ConfigurationValueFormat where Value == Language {
    /// `ko` or `en`.
    static var language: Self {
        Self(
            parse: { (text: String) throws(ConfigurationValueError) -> Language in
                guard let language = Language(rawValue: text.lowercased()) else {
                    throw ConfigurationValueError("'\(text)' is not a language: use ko or en")
                }
                return language
            },
            render: { $0.rawValue }
        )
    }
}

extension ConfigurationValueFormat where Value == [ReminderOffset] {
    /// A comma-separated list of offsets such as `7d, 1d, 1h`.
    static var offsets: Self {
        Self(
            parse: { (text: String) throws(ConfigurationValueError) -> [ReminderOffset] in
                do throws(OffsetListError) {
                    return try ReminderOffset.parseList(text)
                } catch {
                    throw ConfigurationValueError(error.reason)
                }
            },
            render: { $0.map(\.description).joined(separator: ", ") }
        )
    }
}

extension ConfigurationValueFormat where Value == AddressDenyList {
    /// `none`, or CIDR networks separated by commas: `169.254.0.0/16, fe80::/10`.
    static var networkList: Self {
        Self(
            parse: { (text: String) throws(ConfigurationValueError) -> AddressDenyList in
                do throws(IPNetworkError) {
                    return try AddressDenyList(parsing: text)
                } catch {
                    throw ConfigurationValueError(error.description)
                }
            },
            render: { $0.description }
        )
    }
}

extension ConfigurationValueFormat where Value == SMTPURL {
    /// `smtp://[user@]host[:port]` or `smtps://…`, never with a password.
    static var smtpURL: Self {
        Self(
            parse: { (text: String) throws(ConfigurationValueError) -> SMTPURL in try SMTPURL(parsing: text) },
            render: { $0.description }
        )
    }
}

extension ConfigurationValueFormat where Value == Mailbox {
    /// `address` or `Name <address>`.
    static var mailbox: Self {
        Self(
            parse: { (text: String) throws(ConfigurationValueError) -> Mailbox in try Mailbox(parsing: text) },
            render: { $0.description }
        )
    }
}

extension ConfigurationValueFormat where Value == ListenAddress {
    /// `HOST:PORT` of a TCP listener (see ``ListenAddress``).
    static var listenAddress: Self {
        Self(
            parse: { (text: String) throws(ConfigurationValueError) -> ListenAddress in
                try ListenAddress(parsing: text)
            },
            render: { $0.description }
        )
    }
}

extension ConfigurationValueFormat where Value == DatabaseURL {
    /// `postgresql://[user@]host[:port]/dbname[?sslmode=…&sslrootcert=…]`, never with a password.
    static var databaseURL: Self {
        Self(
            parse: { (text: String) throws(ConfigurationValueError) -> DatabaseURL in try DatabaseURL(parsing: text) },
            render: { $0.description }
        )
    }
}

extension ConfigurationValueFormat where Value == String {
    /// An instance name: letters, digits, `.`, `_`, `-`, at most 63, as a host name may be.
    static var instanceName: Self {
        Self(
            parse: { (text: String) throws(ConfigurationValueError) -> String in
                let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
                guard !text.isEmpty, text.count <= 63, text.allSatisfy(allowed.contains), !text.hasPrefix("-") else {
                    throw ConfigurationValueError(
                        "'\(text)' is not an instance name (letters, digits, . _ -; at most 63; not starting with -)")
                }
                return text
            },
            render: { $0 }
        )
    }
}
