import Foundation

extension HTTPRequest {
    /// A JSON POST with `Content-Type: application/json; charset=utf-8` followed by `extraHeaders`.
    static func json(_ body: WebhookJSON, to url: String, extraHeaders: [(name: String, value: String)] = [])
        -> HTTPRequest
    {
        HTTPRequest(
            url: url,
            headers: [(name: "Content-Type", value: "application/json; charset=utf-8")] + extraHeaders,
            body: body.data)
    }

    /// A chat service's JSON POST, carrying the delivery's idempotency key in `Idempotency-Key`.
    ///
    /// Chat services ignore the header (none documents one for incoming webhooks); proxies and
    /// receivers that do honour it can drop a repeated attempt.
    static func chatJSON(_ body: WebhookJSON, for input: WebhookInput, url: String? = nil) -> HTTPRequest {
        json(
            body, to: url ?? input.url,
            extraHeaders: [(name: "Idempotency-Key", value: input.message.delivery.idempotencyKey)])
    }
}
