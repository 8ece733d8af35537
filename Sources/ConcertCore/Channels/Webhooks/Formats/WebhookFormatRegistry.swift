import Foundation

/// The webhook formats concertd knows: lookup by name, and the format a URL's host implies.
public enum WebhookFormatRegistry {
    /// Every format, `generic` first.
    public static let all: [any WebhookFormat] = [
        GenericWebhook(), SlackWebhook(), MattermostWebhook(), DiscordWebhook(), TeamsWebhook(), GoogleChatWebhook(),
        TelegramWebhook(), DoorayWebhook(), JandiWebhook(), KakaoWorkWebhook(),
    ]

    /// The names `--format` accepts.
    public static var names: [String] { all.map(\.name) }

    /// Every format by its exact name: the lookup of each delivery's stored format.
    private static let byName = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })

    /// The format called `name` (any case); an unknown name is an error listing the valid ones.
    public static func named(_ name: String) throws(WebhookFormatError) -> any WebhookFormat {
        if let format = byName[name] { return format }
        let wanted = name.trimmingCharacters(in: .whitespaces).lowercased()
        guard let format = all.first(where: { $0.name == wanted }) else {
            throw .unknownFormat(name, valid: names)
        }
        return format
    }

    /// Host suffixes and the format they imply; a host matches a suffix equal to it or ending in `.suffix`.
    ///
    /// Teams Workflows URLs live on Logic Apps (`*.logic.azure.com`) and Power Platform / Power Automate
    /// hosts; `*.webhook.office.com` is the retired Office 365 connector, kept so such URLs still
    /// get a Teams payload. Mattermost is self-hosted and never inferred.
    static let hostSuffixes: [(suffix: String, format: String)] = [
        ("hooks.slack.com", "slack"),
        ("discord.com", "discord"),
        ("discordapp.com", "discord"),
        ("webhook.office.com", "teams"),
        ("logic.azure.com", "teams"),
        ("powerplatform.com", "teams"),
        ("powerautomate.com", "teams"),
        ("chat.googleapis.com", "googlechat"),
        ("api.telegram.org", "telegram"),
        ("dooray.com", "dooray"),
        ("wh.jandi.com", "jandi"),
        ("kakaowork.com", "kakaowork"),
    ]

    /// The format a URL's host implies (`hooks.slack.com` → `slack`), `generic` for any other host.
    public static func inferredName(forURL url: String) -> String {
        guard let host = URLComponents(string: url)?.host?.lowercased() else { return "generic" }
        for (suffix, format) in hostSuffixes where host == suffix || host.hasSuffix("." + suffix) {
            return format
        }
        return "generic"
    }

    /// The format named `name`, or the one inferred from `url` when no name is given.
    public static func resolve(name: String?, url: String) throws(WebhookFormatError) -> any WebhookFormat {
        if let name, let format = byName[name] { return format }
        if let name, !name.trimmingCharacters(in: .whitespaces).isEmpty { return try named(name) }
        return try named(inferredName(forURL: url))
    }

    /// The request of one attempt to deliver `rendered` to `message`'s webhook subscription.
    ///
    /// `attemptTime` is the wall-clock time of the attempt (see `WebhookInput.attemptTime`).
    /// `links` are the subscription's own on the web front door, which the chat formats end with. A
    /// format of `preferring` with the subscription's format name builds it in place of the registry's.
    public static func request(
        for message: OutboundMessage, rendered: RenderedMessage, attemptTime: Date, links: SubscriberLinks? = nil,
        preferring formats: [String: any WebhookFormat] = [:]
    ) throws(WebhookFormatError) -> HTTPRequest {
        guard case .webhook(let url, let formatName, let secret) = message.subscription.channel else {
            throw .notAWebhook(channel: message.subscription.channel.channelKind)
        }
        let format: any WebhookFormat
        if let preferred = formats[formatName] {
            format = preferred
        } else {
            format = try resolve(name: formatName, url: url)
        }
        return try format.request(
            for: WebhookInput(
                message: message, rendered: rendered, url: url, secret: secret, attemptTime: attemptTime, links: links))
    }
}
