import ConcertCore

/// How the front door behaves: its public address, what the forms offer, its limits.
///
/// The daemon fills it from `concertd.conf` (`web_*` keys); every field has the default an empty
/// configuration gets.
public struct WebSettings: Sendable {
    /// The public address links are made with (`https://concerts.example.org` or with a path), without
    /// a trailing slash.
    public var baseURL: String
    /// Whether email can be sent (`smtp_url` is set): without it the pages offer no email form.
    public var emailEnabled: Bool
    /// `web_webhooks`: whether the pages offer to subscribe a chat channel.
    public var webhooksEnabled: Bool
    /// `web_webhook_hosts`: the hosts a webhook URL from the web may name (``WebhookHostAllowlist``).
    public var webhookHosts: [String]
    /// The webhook formats the form offers.
    public var webhookFormats: [String]
    /// The offsets the forms offer, and those checked by default (`default_reminders`).
    public var offsetChoices: [String]
    public var defaultOffsets: [String]
    public var limits: ConfirmationLimits
    /// How long a pending request can be confirmed.
    public var pendingLifetime: Duration
    public var tokenKeyRotation: TokenKeyRotation
    /// Whether a peer address (as text) is a `web_trusted_proxies` entry.
    public var isTrustedProxy: @Sendable (String) -> Bool
    /// The largest request body read; larger ones are answered 413.
    public var maxBodyBytes: Int

    public init(
        baseURL: String,
        emailEnabled: Bool = true,
        webhooksEnabled: Bool = false,
        webhookHosts: [String] = WebSettings.standardWebhookHosts,
        webhookFormats: [String] = [
            "slack", "discord", "mattermost", "teams", "googlechat", "telegram", "dooray", "jandi", "kakaowork",
        ],
        offsetChoices: [String] = ["7d", "3d", "1d", "3h", "1h", "30m"],
        defaultOffsets: [String] = ["7d", "1d", "1h"],
        limits: ConfirmationLimits = .standard,
        pendingLifetime: Duration = .seconds(48 * 3600),
        tokenKeyRotation: TokenKeyRotation = .standard,
        isTrustedProxy: @escaping @Sendable (String) -> Bool = { _ in false },
        maxBodyBytes: Int = 16 * 1024
    ) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.emailEnabled = emailEnabled
        self.webhooksEnabled = webhooksEnabled
        self.webhookHosts = webhookHosts
        self.webhookFormats = webhookFormats
        self.offsetChoices = offsetChoices
        self.defaultOffsets = defaultOffsets
        self.limits = limits
        self.pendingLifetime = pendingLifetime
        self.tokenKeyRotation = tokenKeyRotation
        self.isTrustedProxy = isTrustedProxy
        self.maxBodyBytes = maxBodyBytes
    }

    /// The incoming-webhook hosts of the chat services concertd formats messages for
    /// (``WebhookHostAllowlist/standard``).
    public static let standardWebhookHosts = WebhookHostAllowlist.standard

    /// The path of `baseURL` (`/concerts`, or empty): pages link with it, since a proxy may serve the
    /// front door under a prefix and strip it.
    var pathPrefix: String {
        guard let schemeEnd = baseURL.range(of: "://") else { return "" }
        let afterScheme = baseURL[schemeEnd.upperBound...]
        guard let slash = afterScheme.firstIndex(of: "/") else { return "" }
        return String(afterScheme[slash...])
    }

    var isHTTPS: Bool { baseURL.hasPrefix("https://") }

    /// `scheme://host[:port]` of `baseURL`, what a browser sends as `Origin`.
    var origin: String {
        String(baseURL.prefix(baseURL.count - pathPrefix.count))
    }
}

extension ConfirmationLimits {
    /// 3 confirmation messages a day to one channel; 10 an hour from one client.
    public static let standard = ConfirmationLimits(
        perChannel: 3, channelWindow: .seconds(86_400), perClient: 10, clientWindow: .seconds(3600))
}
