import Foundation

/// Sends messages to webhook subscriptions: the subscription's format builds the request from the
/// words the renderer writes, the transport POSTs it, and the answer becomes a verdict
/// (`WebhookSettings.verdict(of:hiding:)`).
///
/// The request is built on the transport thread, just before its transfer starts (the scheduler's
/// thread only claims and records), so that a fan-out uses both cores.
public final class WebhookChannel: Channel {
    private let settings: WebhookSettings
    private let renderer: MessageRenderer
    private let transport: CurlTransport
    /// Formats that take the place of the registry's of the same name.
    private let formats: [String: any WebhookFormat]
    /// Signs each subscription's unsubscribe and manage links, which the chat formats end with.
    private let webLinks: WebLinks?

    /// A channel whose requests are the subscriptions' formats (``WebhookFormatRegistry``), or one of
    /// `formats` where it has the subscription's format name, ending with the links `webLinks` signs
    /// (none while it has no key, and none for `generic`, whose receiver is a program).
    public init(
        settings: WebhookSettings, renderer: MessageRenderer, transport: CurlTransport,
        formats: [any WebhookFormat] = [], webLinks: WebLinks? = nil
    ) {
        self.settings = settings
        self.renderer = renderer
        self.transport = transport
        self.webLinks = webLinks
        self.formats = Dictionary(formats.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
    }

    /// Builds and sends `message`'s request. A request that cannot be built, and a URL that
    /// `WebhookURL.problem(with:)` refuses, are `permanent` without any network traffic.
    ///
    /// The verdict's text (a quoted response body, libcurl's message) never shows a secret of the
    /// subscription, in whatever form the receiver echoed it: it goes to `last_error`, the `test`
    /// reply and the journal.
    public func send(_ message: OutboundMessage, completion: @escaping @Sendable (Verdict) -> Void) {
        let settings = self.settings
        let renderer = self.renderer
        let formats = self.formats
        let webLinks = self.webLinks
        transport.send { () throws(TransferPreparationError) in
            let request: HTTPRequest
            do {
                request = try WebhookFormatRegistry.request(
                    for: message, rendered: renderer.render(message), attemptTime: Date(),
                    links: webLinks?.subscriberLinks(for: message.subscription.id), preferring: formats)
            } catch {
                throw .invalidRequest("the request could not be built: \(error)")
            }
            if let problem = WebhookURL.problem(with: request.url) { throw .invalidRequest(problem) }
            return .http(request, timeouts: settings.timeouts, deny: settings.deny)
        } completion: { result in
            completion(settings.verdict(of: result, hiding: message.subscription.channel.secrets))
        }
    }
}
