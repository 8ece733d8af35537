/// Discord "Execute Webhook": `{"content": …, "allowed_mentions": {"parse": []}}`.
///
/// `content` holds at most 2,000 characters: longer text is cut at a whole character and ends with
/// `…`, before the subscriber's links (Markdown `[words](url)`), which stay whole. `allowed_mentions` with an empty `parse` list is Discord's documented way to make sure text
/// such as a title containing `@everyone` notifies nobody.
public struct DiscordWebhook: WebhookFormat {
    public let name = "discord"
    static let maxContent = 2000

    public init() {}

    public func request(for input: WebhookInput) throws(WebhookFormatError) -> HTTPRequest {
        .chatJSON(
            .object([
                ("content", .string(input.textWithLinks(.markdown, maxUTF16: Self.maxContent))),
                ("allowed_mentions", .object([("parse", .array([]))])),
            ]), for: input)
    }
}
