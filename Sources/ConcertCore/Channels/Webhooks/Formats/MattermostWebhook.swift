/// Mattermost incoming webhooks: `{"text": …}` (Markdown, no escaping needed for plain text).
///
/// The subscriber's links end it as Markdown `[words](url)`. Mattermost posts at most 16,383 characters (since 5.0); longer text is cut with `…`. Chosen
/// by name only: Mattermost runs on the customer's own host, which says nothing about the format.
public struct MattermostWebhook: WebhookFormat {
    public let name = "mattermost"
    static let maxText = 16_383

    public init() {}

    public func request(for input: WebhookInput) throws(WebhookFormatError) -> HTTPRequest {
        .chatJSON(
            .object([("text", .string(input.textWithLinks(.markdown, maxUTF16: Self.maxText)))]), for: input)
    }
}
