/// Why an email cannot be built: a fault of the settings or the subscription, never of the
/// network, so a channel reports it as a permanent failure of that message.
public struct EmailMessageError: Error, Hashable, CustomStringConvertible {
    private enum Kind: String {
        case notEmailSubscription = "not_email_subscription"
        case invalidRecipient = "invalid_recipient"
        case invalidSettings = "invalid_settings"
    }

    private let kind: Kind
    /// What is wrong, for people; it names addresses but never secrets.
    public let message: String

    private init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// Stable: `not_email_subscription`, `invalid_recipient` or `invalid_settings`.
    public var code: String { kind.rawValue }

    public var description: String { "\(code): \(message)" }

    static func notEmailSubscription(_ subscriptionID: String) -> Self {
        Self(.notEmailSubscription, "subscription '\(subscriptionID)' does not deliver by email")
    }

    static func invalidRecipient(_ problem: String) -> Self {
        Self(.invalidRecipient, problem)
    }

    static func invalidSettings(_ problems: [String]) -> Self {
        Self(.invalidSettings, problems.joined(separator: "; "))
    }
}
