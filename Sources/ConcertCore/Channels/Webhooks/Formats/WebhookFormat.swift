/// The payload of one kind of webhook receiver: a chat service, or concertd's own signed JSON.
///
/// A format only builds requests; the transport transmits them. It is called once per attempt, so a
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
