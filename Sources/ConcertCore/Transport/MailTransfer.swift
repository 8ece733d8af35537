import Foundation

/// One SMTP submission as the transport performs it: envelope, credentials and the message bytes.
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
    /// The command verbs (`MAIL`, `RCPT`) the result's `conversation` records when libcurl sends them.
    public var reportedCommands: Set<String>
    /// Open connections older than this are not reused (``MailConnectionReuse``).
    public var connectionsSince: ContinuousClock.Instant?

    public init(
        url: String, mailFrom: String, recipients: [String], username: String?, password: String?,
        requireTLS: Bool, caBundlePath: String?, message: Data, timeouts: TransferTimeouts,
        reportedCommands: Set<String> = [], connectionsSince: ContinuousClock.Instant? = nil
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
        self.reportedCommands = reportedCommands
        self.connectionsSince = connectionsSince
    }
}
