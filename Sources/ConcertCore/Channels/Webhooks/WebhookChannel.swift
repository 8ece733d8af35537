import Foundation

/// Sends messages to webhook subscriptions: the subscription's format builds the request from
/// the rendered message, the transport POSTs it, and the answer becomes a verdict (`HTTPVerdict`).
///
/// The request is built on the transport thread, just before its transfer starts (the scheduler's
/// thread only claims and records), so that a fan-out uses both cores.
public final class WebhookChannel: Channel {
    /// Builds the HTTP request of one message (URL, headers, body).
    typealias RequestBuilder = @Sendable (OutboundMessage) throws -> HTTPRequest

    private let settings: WebhookSettings
    private let transport: CurlTransport
    private let buildRequest: RequestBuilder

    /// A channel whose requests are the subscriptions' formats (`WebhookFormatRegistry`), with the
    /// words `renderer` writes.
    public convenience init(settings: WebhookSettings, renderer: MessageRenderer, transport: CurlTransport) {
        self.init(settings: settings, transport: transport) { message in
            try WebhookFormatRegistry.request(for: message, rendered: renderer.render(message), attemptTime: Date())
        }
    }

    /// A channel whose requests `buildRequest` makes.
    init(settings: WebhookSettings, transport: CurlTransport, buildRequest: @escaping RequestBuilder) {
        self.settings = settings
        self.transport = transport
        self.buildRequest = buildRequest
    }

    /// Builds and sends `message`'s request. A request that cannot be built, and a URL that
    /// `WebhookURL.problem(with:)` refuses, are `permanent` without any network traffic.
    ///
    /// The verdict's text (a quoted response body, libcurl's message) never shows a secret of the
    /// subscription, in whatever form the receiver echoed it: it goes to `last_error`, the `test`
    /// reply and the journal.
    public func send(_ message: OutboundMessage, completion: @escaping @Sendable (Verdict) -> Void) {
        let buildRequest = self.buildRequest
        let settings = self.settings
        transport.send {
            let request: HTTPRequest
            do {
                request = try buildRequest(message)
            } catch {
                throw RequestProblem(description: "the request could not be built: \(error)")
            }
            if let problem = WebhookURL.problem(with: request.url) { throw RequestProblem(description: problem) }
            return .http(request, timeouts: settings.timeouts, deny: settings.deny)
        } completion: { result in
            let verdict = HTTPVerdict.verdict(of: result, now: Date())
            if case .sent = verdict {
                completion(verdict)
            } else {
                completion(verdict.redacted(by: settings.redactor.hiding(message.subscription.channel.secrets)))
            }
        }
    }

    /// Why a message's request was not sent (a `permanent` verdict).
    private struct RequestProblem: Error, CustomStringConvertible {
        var description: String
    }
}

extension Verdict {
    /// The same verdict with its text passed through `redactor`.
    fileprivate func redacted(by redactor: SecretRedactor) -> Verdict {
        switch self {
        case .sent(let detail): .sent(detail: redactor.redact(detail))
        case .retryable(let error, let retryAfter): .retryable(error: redactor.redact(error), retryAfter: retryAfter)
        case .permanent(let error): .permanent(error: redactor.redact(error))
        case .gone(let error): .gone(error: redactor.redact(error))
        case .destinationFailed(let error, let retryAfter):
            .destinationFailed(error: redactor.redact(error), retryAfter: retryAfter)
        }
    }
}
