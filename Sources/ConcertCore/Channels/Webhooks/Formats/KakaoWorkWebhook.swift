/// Kakao Work incoming webhooks (`https://kakaowork.com/bots/hook/…`): `{"text": …}`.
public struct KakaoWorkWebhook: WebhookFormat {
    public let name = "kakaowork"

    public init() {}

    public func request(for input: WebhookInput) throws(WebhookFormatError) -> HTTPRequest {
        .chatJSON(.object([("text", .string(input.rendered.text))]), for: input)
    }
}
