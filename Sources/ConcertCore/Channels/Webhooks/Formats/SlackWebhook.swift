/// Slack incoming webhooks: `{"text": …}`.
///
/// Slack reads `&`, `<` and `>` in `text` as markup (`<!channel>` notifies everyone), so exactly
/// those three are escaped as `&amp;`, `&lt;`, `&gt;`, as Slack's formatting reference asks; nothing
/// else is HTML-escaped. Slack truncates text past 40,000 characters itself; messages are far shorter.
public struct SlackWebhook: WebhookFormat {
    public let name = "slack"

    public init() {}

    public func request(for input: WebhookInput) throws(WebhookFormatError) -> HTTPRequest {
        .chatJSON(.object([("text", .string(Self.escape(input.rendered.text)))]), for: input)
    }

    /// `text` with `&`, `<` and `>` escaped for Slack's `mrkdwn`.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;")
            .replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
