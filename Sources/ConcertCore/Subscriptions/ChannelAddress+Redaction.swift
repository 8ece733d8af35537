extension ChannelAddress {
    /// The channel as listings, logs and errors may show it: an email address as it is; a webhook
    /// as its format and masked URL (`slack https://hooks.slack.com/services/***`), never its
    /// token or signing secret.
    var redactedDescription: String {
        switch self {
        case .email(let address): address
        case .webhook(let url, let format, _): "\(format) \(SecretRedactor.mask(url: url))"
        }
    }

    /// The secrets this channel carries (its URL and signing secret), for
    /// ``SecretRedactor/redact(_:alsoHiding:)`` when text about a send to it is shown.
    public var secrets: [String] {
        switch self {
        case .email: []
        case .webhook(let url, _, let secret): [url] + (secret.map { [$0] } ?? [])
        }
    }
}
