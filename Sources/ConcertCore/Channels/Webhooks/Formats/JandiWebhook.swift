/// JANDI incoming webhooks: `{"body": …}` with `Accept: application/vnd.tosslab.jandi-v2+json`;
/// the subscriber's links end `body` in JANDI's link markup, `[[words]](url)`.
public struct JandiWebhook: WebhookFormat {
    public let name = "jandi"

    public init() {}

    public func request(for input: WebhookInput) throws(WebhookFormatError) -> HTTPRequest {
        var request = HTTPRequest.chatJSON(.object([("body", .string(input.textWithLinks(.jandi)))]), for: input)
        request.headers.insert((name: "Accept", value: "application/vnd.tosslab.jandi-v2+json"), at: 0)
        return request
    }
}
