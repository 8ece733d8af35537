/// Kakao Work incoming webhooks (`https://kakaowork.com/bots/hook/…`): `{"text": …}`, plain text: the
/// subscriber's links end it as `words: url` lines.
public struct KakaoWorkWebhook: WebhookFormat {
    public let name = "kakaowork"

    public init() {}

    public func request(for input: WebhookInput) throws(WebhookFormatError) -> HTTPRequest {
        .chatJSON(.object([("text", .string(input.textWithLinks(.plain)))]), for: input)
    }
}
