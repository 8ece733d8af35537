import Foundation

/// One transfer handed to the sender thread, with the callback that receives its result.
struct SenderJob: Sendable {
    enum Kind: Sendable {
        /// A request, its timeouts, and the networks it may not connect to.
        case http(HTTPRequest, TransferTimeouts, AddressDenyList)
        /// A request the sender thread builds just before sending it: a fan-out's requests are
        /// built on the sender's core instead of the scheduler's. A build that throws fails the
        /// job as `invalidRequest` with the error's description.
        case httpToBuild(@Sendable () throws -> HTTPRequest, TransferTimeouts, AddressDenyList)
        case mail(MailTransfer)
    }

    var kind: Kind
    var completion: @Sendable (TransferResult) -> Void
}

/// One SMTP submission as the sender performs it: envelope, credentials and the message bytes.
struct MailTransfer: Sendable {
    /// `smtp://host:port` or `smtps://host:port`.
    var url: String
    var mailFrom: String
    var recipients: [String]
    var username: String?
    var password: String?
    /// STARTTLS must succeed (`CURLUSESSL_ALL`); otherwise it is used when offered (`CURLUSESSL_TRY`).
    var requireTLS: Bool
    /// The CAs trusted for the smarthost's certificate; `nil`: the system's store.
    var caBundlePath: String?
    /// The RFC 5322 message with CRLF line ends; libcurl dot-stuffs it.
    var message: Data
    var timeouts: TransferTimeouts
    /// Open connections older than this are not reused (``MailConnectionReuse``).
    var connectionsSince: ContinuousClock.Instant? = nil
}
