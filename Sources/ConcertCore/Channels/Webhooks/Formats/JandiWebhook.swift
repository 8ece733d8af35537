/// JANDI incoming webhooks: `{"body": …}` with `Accept: application/vnd.tosslab.jandi-v2+json`.
public struct JandiWebhook: WebhookFormat {
    public let name = "jandi"

    public init() {}

    public func request(for input: WebhookInput) throws(WebhookFormatError) -> HTTPRequest {
        var request = HTTPRequest.chatJSON(.object([("body", .string(input.rendered.text))]), for: input)
        request.headers.insert((name: "Accept", value: "application/vnd.tosslab.jandi-v2+json"), at: 0)
        return request
    }
}
