/// A subscription as the control protocol lists it; secrets are masked by the daemon.
public struct SubscriptionInfo: Codable, Sendable, Hashable {
    public var id: String
    public var cities: [String]
    /// `email` or `webhook`.
    public var kind: String
    /// The address, or the webhook URL with its token masked: `https://hooks.slack.com/ser…/***`.
    public var channel: String
    /// The webhook payload format; absent for email.
    public var format: String?
    /// Offsets before each concert, largest first: `["7d", "1d", "1h"]`.
    public var before: [String]
    /// `ko` or `en`.
    public var lang: String
    public var label: String?
    /// `active`, `paused`, `disabled` (by the daemon, e.g. after 410 Gone) or `removed`.
    public var state: String
    /// Why the subscription is not active.
    public var stateReason: String?
    /// How it was made: `control` (one `subscribe`), `import`, `web` (confirmed on the front door)
    /// or `unknown` (before schema v8); absent from daemons that do not say.
    public var source: String?

    public init(
        id: String, cities: [String], kind: String, channel: String, format: String? = nil, before: [String],
        lang: String, label: String? = nil, state: String, stateReason: String? = nil, source: String? = nil
    ) {
        self.id = id
        self.cities = cities
        self.kind = kind
        self.channel = channel
        self.format = format
        self.before = before
        self.lang = lang
        self.label = label
        self.state = state
        self.stateReason = stateReason
        self.source = source
    }

    private enum CodingKeys: String, CodingKey {
        case id, cities, kind, channel, format, before, lang, label, state, source
        case stateReason = "state_reason"
    }
}
