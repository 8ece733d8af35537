import Foundation

/// What the sender observed of one transfer: libcurl's result and the server's answer.
///
/// Texts in it are scrubbed of the URL's path and query and of any password.
public struct TransferResult: Sendable, Hashable {
    /// `nil` when libcurl finished the transfer without error (an HTTP 500 is not a failure here).
    public var failure: TransferFailure?
    /// libcurl's `CURLcode` (0 for success, -1 when the transfer never reached libcurl).
    public var curlCode: Int
    /// libcurl's error message, or empty.
    public var message: String
    /// The last HTTP status or SMTP reply code received; 0 when none was.
    public var responseCode: Int
    /// HTTP: the `Retry-After` header of the response, as received.
    public var retryAfter: String?
    /// HTTP: the start of the response body, at most the sender's `responseBodyLimit` bytes.
    public var body: Data
    /// HTTP: how many body bytes arrived in all (more than `body.count` when it was cut).
    public var bodyLength: Int
    /// SMTP: the step the conversation had reached when it ended.
    public var smtpStage: SMTPStage?
    /// SMTP: the server's last reply line (`250 2.0.0 Ok: queued as 4F2A1`).
    public var lastReply: String?

    public init(
        failure: TransferFailure?, curlCode: Int = 0, message: String = "", responseCode: Int = 0,
        retryAfter: String? = nil, body: Data = Data(), bodyLength: Int? = nil, smtpStage: SMTPStage? = nil,
        lastReply: String? = nil
    ) {
        self.failure = failure
        self.curlCode = curlCode
        self.message = message
        self.responseCode = responseCode
        self.retryAfter = retryAfter
        self.body = body
        self.bodyLength = bodyLength ?? body.count
        self.smtpStage = smtpStage
        self.lastReply = lastReply
    }

    /// A transfer that never reached libcurl.
    static func notSent(_ failure: TransferFailure, _ message: String) -> TransferResult {
        TransferResult(failure: failure, curlCode: -1, message: message)
    }
}
