/// Dooray! messenger incoming hooks: `{"botName": "concertd", "text": …}`.
public struct DoorayWebhook: WebhookFormat {
    public let name = "dooray"

    public init() {}

    public func request(for input: WebhookInput) throws(WebhookFormatError) -> HTTPRequest {
        .chatJSON(.object([("botName", .string("concertd")), ("text", .string(input.rendered.text))]), for: input)
    }
}
