import Foundation

/// What libcurl saw of one transfer: its result code and the server's answer, as received.
///
/// It says nothing of what the answer means (a status that asks for a retry, an SMTP reply that
/// refuses a recipient): the channels decide that (`HTTPVerdict`, `SMTPVerdict`). Its texts are as
/// libcurl and the server gave them, secrets included: each channel redacts its verdict.
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
    /// HTTP: the start of the response body, at most the transport's `responseBodyLimit` bytes.
    public var body: Data
    /// HTTP: how many body bytes arrived in all (more than `body.count` when it was cut).
    public var bodyLength: Int
    /// SMTP: the conversation as libcurl held it, in order (see ``Line``); empty for HTTP.
    public var conversation: [Line]
    /// The address the deny list refused to connect to, when `failure` is `addressDenied`.
    public var deniedAddress: DeniedAddress?

    /// One step of an SMTP conversation.
    public enum Line: Sendable, Hashable {
        /// libcurl sent a command with this verb, one of the transfer's `reportedCommands`
        /// (the rest of a command line is never kept: AUTH lines carry credentials).
        case command(String)
        /// The server's reply: the last line of a reply (a multi-line reply's others are dropped),
        /// without its line break, at most 512 bytes.
        case reply(String)
        /// libcurl began to upload the message itself.
        case uploadStarted
    }

    public init(
        failure: TransferFailure?, curlCode: Int = 0, message: String = "", responseCode: Int = 0,
        retryAfter: String? = nil, body: Data = Data(), bodyLength: Int? = nil, conversation: [Line] = [],
        deniedAddress: DeniedAddress? = nil
    ) {
        self.failure = failure
        self.curlCode = curlCode
        self.message = message
        self.responseCode = responseCode
        self.retryAfter = retryAfter
        self.body = body
        self.bodyLength = bodyLength ?? body.count
        self.conversation = conversation
        self.deniedAddress = deniedAddress
    }

    /// A transfer that never reached libcurl.
    static func notSent(_ failure: TransferFailure, _ message: String) -> TransferResult {
        TransferResult(failure: failure, curlCode: -1, message: message)
    }
}
