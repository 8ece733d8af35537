/// Mattermost incoming webhooks: `{"text": …}` (Markdown, no escaping needed for plain text).
///
/// Mattermost posts at most 16,383 characters (since 5.0); longer text is cut with `…`. Chosen
/// by name only: Mattermost runs on the customer's own host, which says nothing about the format.
public struct MattermostWebhook: WebhookFormat {
    public let name = "mattermost"
    static let maxText = 16_383

    public init() {}

    public func request(for input: WebhookInput) throws(WebhookFormatError) -> HTTPRequest {
        .chatJSON(
            .object([("text", .string(TextLimit.truncate(input.rendered.text, maxUTF16: Self.maxText)))]), for: input)
    }
}
