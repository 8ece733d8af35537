import Foundation

/// Sends messages to webhook subscriptions: a format builds the request, the sender POSTs it.
public final class WebhookChannel: Channel {
    /// Builds the HTTP request of one message (URL, headers, body) in the subscription's format.
    public typealias RequestBuilder = @Sendable (OutboundMessage) throws -> HTTPRequest

    private let sender: CurlSender
    private let timeouts: TransferTimeouts
    private let buildRequest: RequestBuilder

    /// A channel sending through `sender`; a request that cannot be built is a `permanent` failure.
    public init(sender: CurlSender, timeouts: TransferTimeouts = .webhook, buildRequest: @escaping RequestBuilder) {
        self.sender = sender
        self.timeouts = timeouts
        self.buildRequest = buildRequest
    }

    /// Builds and sends `message`'s request. The request is built on the sender thread (the
    /// scheduler's thread only claims and records), so a fan-out uses both cores. A URL that
    /// `WebhookURL.problem(with:)` refuses is `permanent` without any network traffic.
    public func send(_ message: OutboundMessage, completion: @escaping @Sendable (DeliveryOutcome) -> Void) {
        let buildRequest = self.buildRequest
        sender.post(timeouts: timeouts) {
            let request: HTTPRequest
            do {
                request = try buildRequest(message)
            } catch {
                throw RequestProblem(description: "the request could not be built: \(error)")
            }
            if let problem = WebhookURL.problem(with: request.url) { throw RequestProblem(description: problem) }
            return request
        } completion: { result in
            completion(HTTPVerdict.outcome(of: result, now: Date()))
        }
    }

    /// Why a message's request was not sent (a `permanent` verdict).
    private struct RequestProblem: Error, CustomStringConvertible {
        var description: String
    }
}
