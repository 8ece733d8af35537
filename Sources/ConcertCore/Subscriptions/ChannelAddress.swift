import Foundation

/// Where a subscription's messages go: an email address, or a webhook URL with its format.
public enum ChannelAddress: Sendable, Hashable {
    case email(String)
    /// `format` names the payload (`generic`, `slack`, …); `secret` signs `generic` payloads.
    case webhook(url: String, format: String, secret: String?)

    /// Which channel sends to this address (`email`, `webhook`): the key of the daemon's channels
    /// and what the store keeps in a subscription's `channel` column. Not a ``Delivery/Kind``,
    /// which says what a delivery is (reminder, notice, test, …).
    public var channelKind: String {
        switch self {
        case .email: "email"
        case .webhook: "webhook"
        }
    }

    /// The key of the per-destination sending limit: the smarthost for email, the URL's host for webhooks.
    public var destination: String {
        switch self {
        case .email: "smtp"
        case .webhook(let url, _, _): WebhookURL.destination(of: url) ?? url
        }
    }

    /// The address itself, used to recognise the same channel subscribed twice: an email address
    /// lowercased, a webhook URL as held. It is what the store keeps and what is sent to.
    ///
    /// A webhook's URL is put in its normal form (``WebhookURL/normalized(_:)``) once, when a
    /// ``NewSubscription`` is made, and every stored row holds it so: this is read for every
    /// import line and every send, where normalizing again would cost more than the rest of the
    /// line's work.
    public var target: String {
        switch self {
        case .email(let address): address.lowercased()
        case .webhook(let url, _, _): url
        }
    }

    /// The channel as metrics and the store's finished counters name it: `email`, or the webhook's
    /// format (`slack`, `generic`, …), one of a fixed set (a subscription's format is checked
    /// against it).
    public var metricsName: String {
        switch self {
        case .email: "email"
        case .webhook(_, let format, _): format
        }
    }
}
