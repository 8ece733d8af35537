/// Dooray! messenger incoming hooks: `{"botName": "concertd", "text": …}`, the subscriber's links at
/// its end in Markdown, `[words](url)`.
public struct DoorayWebhook: WebhookFormat {
    public let name = "dooray"

    public init() {}

    public func request(for input: WebhookInput) throws(WebhookFormatError) -> HTTPRequest {
        .chatJSON(
            .object([("botName", .string("concertd")), ("text", .string(input.textWithLinks(.markdown)))]), for: input)
    }
}
