/// Slack incoming webhooks: `{"text": …}`.
///
/// Slack reads `&`, `<` and `>` in `text` as markup (`<!channel>` notifies everyone), so exactly
/// those three are escaped as `&amp;`, `&lt;`, `&gt;`, as Slack's formatting reference asks; nothing
/// else is HTML-escaped. The subscriber's links (`WebhookInput.links`) follow as `<url|words>`, after
/// the escaping. Slack truncates text past 40,000 characters itself; messages are far shorter.
public struct SlackWebhook: WebhookFormat {
    public let name = "slack"

    public init() {}

    public func request(for input: WebhookInput) throws(WebhookFormatError) -> HTTPRequest {
        var text = Self.escape(input.rendered.text)
        if let links = input.links { text += links.chatFooter(.angleBrackets, language: input.rendered.language) }
        return .chatJSON(.object([("text", .string(text))]), for: input)
    }

    /// `text` with `&`, `<` and `>` escaped for Slack's `mrkdwn`.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;")
            .replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
