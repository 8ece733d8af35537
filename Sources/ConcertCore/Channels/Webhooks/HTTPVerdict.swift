import Foundation

/// The rules that turn what happened to a webhook POST into the channel's ``Verdict``.
///
/// Network failures, including a refused connection, an unknown host and a failed TLS handshake,
/// are `retryable`, never `destinationFailed`: a webhook host is one destination per subscription,
/// and the scheduler keeps its own per-host view of failures; a host that recovers (or gets a valid
/// certificate) then receives the message. A URL libcurl refuses is `permanent`, and so is a host
/// whose addresses `webhook_deny` refuses: the operator's policy, not a passing fault.
public enum HTTPVerdict {
    /// How much of a response body is quoted in an error.
    static let quotedBodyLimit = 200

    /// The verdict on `result`; `now` (real time) turns a `Retry-After` date into a delay.
    public static func verdict(of result: TransferResult, now: Date) -> Verdict {
        switch result.failure {
        case nil:
            return verdict(status: result.responseCode, retryAfter: result.retryAfter, body: result.body, now: now)
        case .responseTooLarge? where result.responseCode > 0:
            return verdict(status: result.responseCode, retryAfter: result.retryAfter, body: result.body, now: now)
        case .addressDenied?:
            return .permanent(error: result.deniedAddress.map(denial) ?? result.message)
        case .refusedURL?, .invalidRequest?:
            return .permanent(error: result.message)
        case .stopped?:
            return .retryable(error: result.message, retryAfter: nil)
        default:
            return .retryable(
                error: result.message.isEmpty ? "transfer failed (\(result.curlCode))" : result.message, retryAfter: nil
            )
        }
    }

    /// The verdict on an HTTP status: 2xx sent; 408, 425, 429 and 5xx retryable; 410 gone; the rest
    /// permanent (a 3xx included: redirects are not followed).
    public static func verdict(status: Int, retryAfter: String?, body: Data, now: Date) -> Verdict {
        let head = "HTTP \(status)"
        switch status {
        case 200..<300:
            return .sent(detail: head)
        case 408, 425, 429, 500..<600:
            let delay = retryAfter.flatMap { RetryAfter.seconds(from: $0, now: now) }
            return .retryable(error: head + quoted(body), retryAfter: delay)
        case 410:
            return .gone(error: head + quoted(body))
        case 300..<400:
            return .permanent(error: head + " (redirects are not followed)")
        case 0:
            return .retryable(error: "no HTTP response", retryAfter: nil)
        default:
            return .permanent(error: head + quoted(body))
        }
    }

    /// `: ` and the start of `body` on one line, or nothing when it has no text.
    static func quoted(_ body: Data) -> String {
        let text = String(decoding: body.prefix(quotedBodyLimit * 4), as: UTF8.self)
        var line = ""
        var lastWasSpace = true
        for character in text {
            guard line.count < quotedBodyLimit else { break }
            if character.isWhitespace
                || character.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
            {
                if !lastWasSpace { line.append(" ") }
                lastWasSpace = true
            } else {
                line.append(character)
                lastWasSpace = false
            }
        }
        while line.last == " " { line.removeLast() }
        return line.isEmpty ? "" : ": " + line
    }

    /// Why a webhook was not sent to `denied`: `the webhook host h.example resolved to
    /// 169.254.169.254, in 169.254.0.0/16, which webhook_deny refuses`.
    static func denial(_ denied: DeniedAddress) -> String {
        guard let host = denied.host else {
            return "the address \(denied.address) is in \(denied.network), which webhook_deny refuses"
        }
        let place = "\(denied.address), in \(denied.network), which webhook_deny refuses"
        if IPAddress(urlHost: host) != nil { return "the webhook host \(host) is \(place)" }
        return "the webhook host \(host) resolved to \(place)"
    }
}
