import Foundation

/// Sends messages to webhook subscriptions: a format builds the request, the sender POSTs it.
public final class WebhookChannel: Channel {
    /// Builds the HTTP request of one message (URL, headers, body) in the subscription's format.
    public typealias RequestBuilder = @Sendable (OutboundMessage) throws -> HTTPRequest

    private let sender: CurlSender
    private let timeouts: TransferTimeouts
    private let redactor: SecretRedactor
    private let deny: AddressDenyList
    private let buildRequest: RequestBuilder

    /// A channel sending through `sender`; a request that cannot be built is a `permanent` failure.
    ///
    /// `redactor` knows the daemon's own secrets (the SMTP password); each verdict's text is also
    /// cleared of the subscription's URL and signing secret. No connection is made to an address
    /// `deny` refuses (`webhook_deny`): such a message fails for good, naming the address.
    public init(
        sender: CurlSender, timeouts: TransferTimeouts = .webhook, redactor: SecretRedactor = SecretRedactor(),
        deny: AddressDenyList = .linkLocal, buildRequest: @escaping RequestBuilder
    ) {
        self.sender = sender
        self.timeouts = timeouts
        self.redactor = redactor
        self.deny = deny
        self.buildRequest = buildRequest
    }

    /// Builds and sends `message`'s request. The request is built on the sender thread (the
    /// scheduler's thread only claims and records), so a fan-out uses both cores. A URL that
    /// `WebhookURL.problem(with:)` refuses is `permanent` without any network traffic.
    ///
    /// The verdict's text (a quoted response body, libcurl's message) never shows a secret of the
    /// subscription, in whatever form the receiver echoed it: it goes to `last_error`, the `test`
    /// reply and the journal.
    public func send(_ message: OutboundMessage, completion: @escaping @Sendable (Verdict) -> Void) {
        let buildRequest = self.buildRequest
        let redactor = self.redactor
        sender.post(timeouts: timeouts, deny: deny) {
            let request: HTTPRequest
            do {
                request = try buildRequest(message)
            } catch {
                throw RequestProblem(description: "the request could not be built: \(error)")
            }
            if let problem = WebhookURL.problem(with: request.url) { throw RequestProblem(description: problem) }
            return request
        } completion: { result in
            let verdict = HTTPVerdict.verdict(of: result, now: Date())
            if case .sent = verdict {
                completion(verdict)
            } else {
                completion(verdict.redacted(by: redactor.hiding(message.subscription.channel.secrets)))
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
