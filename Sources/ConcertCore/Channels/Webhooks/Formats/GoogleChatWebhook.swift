/// Google Chat incoming webhooks: `{"text": …}`.
///
/// The subscriber's links end it in Chat's own markup, `<url|words>` (a webhook's text is read in
/// that markup, not Markdown). A Chat message holds at most 32,000 bytes; text past that is cut with `…`.
public struct GoogleChatWebhook: WebhookFormat {
    public let name = "googlechat"
    static let maxBytes = 32_000

    public init() {}

    public func request(for input: WebhookInput) throws(WebhookFormatError) -> HTTPRequest {
        let text = input.textWithLinks(.angleBrackets, maxUTF16: Self.maxBytes, maxUTF8: Self.maxBytes)
        return .chatJSON(.object([("text", .string(text))]), for: input)
    }
}
