import Foundation

/// One transfer as the sender performs it.
public enum Transfer: Sendable {
    /// An HTTP request, its timeouts, and the networks it may not connect to.
    case http(HTTPRequest, timeouts: TransferTimeouts, deny: AddressDenyList)
    /// An SMTP submission.
    case mail(MailTransfer)
}

/// One SMTP submission as the sender performs it: envelope, credentials and the message bytes.
public struct MailTransfer: Sendable {
    /// `smtp://host:port` or `smtps://host:port`.
    public var url: String
    public var mailFrom: String
    public var recipients: [String]
    public var username: String?
    public var password: String?
    /// STARTTLS must succeed (`CURLUSESSL_ALL`); otherwise it is used when offered (`CURLUSESSL_TRY`).
    public var requireTLS: Bool
    /// The CAs trusted for the smarthost's certificate; `nil`: the system's store.
    public var caBundlePath: String?
    /// The RFC 5322 message with CRLF line ends; libcurl dot-stuffs it.
    public var message: Data
    public var timeouts: TransferTimeouts

    public init(
        url: String, mailFrom: String, recipients: [String], username: String?, password: String?,
        requireTLS: Bool, caBundlePath: String?, message: Data, timeouts: TransferTimeouts
    ) {
        self.url = url
        self.mailFrom = mailFrom
        self.recipients = recipients
        self.username = username
        self.password = password
        self.requireTLS = requireTLS
        self.caBundlePath = caBundlePath
        self.message = message
        self.timeouts = timeouts
    }
}

/// One transfer handed to the sender thread, with the callback that receives its result.
struct SenderJob: Sendable {
    /// Makes the transfer on the sender thread just before it starts, so that a fan-out's
    /// requests and messages are built on the sender's core instead of the scheduler's. A build
    /// that throws fails the job as `invalidRequest` with the error's description.
    var build: @Sendable () throws -> Transfer
    var completion: @Sendable (TransferResult) -> Void
}
