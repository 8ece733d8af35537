import Foundation

/// The payload of one kind of webhook receiver: a chat service, or concertd's own signed JSON.
///
/// A format only builds requests; the sender transmits them. It is called once per attempt, so a
/// signed format can stamp the attempt's time.
public protocol WebhookFormat: Sendable {
    /// The name given to `--format` and stored with the subscription (`slack`, `generic`, …).
    var name: String { get }

    /// Whether requests are signed with the subscription's secret (only `generic`).
    var needsSecret: Bool { get }

    /// Why `url` cannot receive this format, checked at subscribe time; `nil` when it can.
    ///
    /// Called after `WebhookURL.problem(with:)` has accepted the URL; the reason never quotes the URL's token.
    func problem(withURL url: String) -> String?

    /// The request that delivers `input.rendered` to `input.url`.
    func request(for input: WebhookInput) throws(WebhookFormatError) -> HTTPRequest
}

extension WebhookFormat {
    public var needsSecret: Bool { false }

    public func problem(withURL url: String) -> String? { nil }
}

/// Everything a format needs to build one attempt's request.
public struct WebhookInput: Sendable {
    public var message: OutboundMessage
    public var rendered: RenderedMessage
    public var url: String
    /// The subscription's signing secret (`whsec_…`), used by `generic` only.
    public var secret: String?
    /// The wall-clock time of this attempt, for `webhook-timestamp`. Not `message.now`, which follows
    /// the scheduler's (possibly shifted) clock: receivers reject timestamps far from their own time.
    public var attemptTime: Date

    public init(message: OutboundMessage, rendered: RenderedMessage, url: String, secret: String?, attemptTime: Date) {
        self.message = message
        self.rendered = rendered
        self.url = url
        self.secret = secret
        self.attemptTime = attemptTime
    }
}

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
