/// Why a webhook request could not be built: an unknown format, an unusable URL or secret.
///
/// The description never contains a secret or a URL's token: URLs appear through `WebhookURL.masked`.
/// A struct over a private enum, so that cases can be added without breaking callers.
public struct WebhookFormatError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Kind: Hashable, Sendable {
        case unknownFormat(name: String, valid: [String])
        case invalidURL(masked: String, reason: String)
        case missingSecret(format: String)
        case invalidSecret(reason: String)
        case notAWebhook(channel: String)
    }

    private let kind: Kind

    private init(_ kind: Kind) {
        self.kind = kind
    }

    /// A stable code for the control protocol and logs.
    public var code: String {
        switch kind {
        case .unknownFormat: "unknown_format"
        case .invalidURL: "invalid_url"
        case .missingSecret: "missing_secret"
        case .invalidSecret: "invalid_secret"
        case .notAWebhook: "not_a_webhook"
        }
    }

    public var description: String {
        switch kind {
        case .unknownFormat(let name, let valid):
            "unknown webhook format '\(name)': use one of \(valid.joined(separator: ", "))"
        case .invalidURL(let masked, let reason):
            "the webhook URL \(masked) cannot be used: \(reason)"
        case .missingSecret(let format):
            "the \(format) format signs every request and needs the subscription's secret"
        case .invalidSecret(let reason):
            "invalid webhook secret: \(reason)"
        case .notAWebhook(let channel):
            "the subscription's channel is \(channel), not a webhook"
        }
    }

    static func unknownFormat(_ name: String, valid: [String]) -> Self {
        Self(.unknownFormat(name: String(name.prefix(40)), valid: valid))
    }

    static func invalidURL(_ url: String, reason: String) -> Self {
        Self(.invalidURL(masked: WebhookURL.masked(url), reason: reason))
    }

    static func missingSecret(format: String) -> Self { Self(.missingSecret(format: format)) }

    static func invalidSecret(_ reason: String) -> Self { Self(.invalidSecret(reason: reason)) }

    static func notAWebhook(channel: String) -> Self { Self(.notAWebhook(channel: channel)) }
}
