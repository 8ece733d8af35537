import Foundation

/// A channel's verdict on one send.
public enum Verdict: Sendable, Hashable {
    /// Accepted by the receiver; `detail` says how (`HTTP 204`, `250 2.0.0 Ok: queued as …`).
    case sent(detail: String)
    /// Worth trying again (timeouts, 408/425/429, 5xx, SMTP 4xx); `retryAfter` is the receiver's
    /// requested delay in seconds, applied on the scheduler's clock.
    case retryable(error: String, retryAfter: TimeInterval?)
    /// Never worth retrying this message (4xx other than the above, SMTP 5xx to a recipient).
    case permanent(error: String)
    /// The endpoint no longer exists (HTTP 410): the subscription is disabled.
    case gone(error: String)
    /// The smarthost itself failed (connection refused, TLS, AUTH, a 421): retried and shown in
    /// status, but never marks a message failed. Webhook network failures are `retryable` instead
    /// (``HTTPVerdict``).
    case destinationFailed(error: String, retryAfter: TimeInterval?)
}

extension Verdict {
    /// Stable short name recorded with each attempt.
    public var name: String {
        switch self {
        case .sent: "sent"
        case .retryable: "retryable"
        case .permanent: "permanent"
        case .gone: "gone"
        case .destinationFailed: "destination_failed"
        }
    }

    /// The reply or error text.
    public var detail: String {
        switch self {
        case .sent(let detail): detail
        case .retryable(let error, _), .permanent(let error), .gone(let error), .destinationFailed(let error, _): error
        }
    }
}

extension Verdict {
    /// The same verdict with its text passed through `redactor`.
    func redacted(by redactor: SecretRedactor) -> Verdict {
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
