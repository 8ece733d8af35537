/// Google Chat incoming webhooks: `{"text": …}`.
///
/// A Chat message holds at most 32,000 bytes; text past that is cut with `…`.
public struct GoogleChatWebhook: WebhookFormat {
    public let name = "googlechat"
    static let maxBytes = 32_000

    public init() {}

    public func request(for input: WebhookInput) throws(WebhookFormatError) -> HTTPRequest {
        let text = TextLimit.truncate(input.rendered.text, maxUTF16: Self.maxBytes, maxUTF8: Self.maxBytes)
        return .chatJSON(.object([("text", .string(text))]), for: input)
    }
}
