import Foundation

/// One transfer as the transport performs it.
public enum Transfer: Sendable {
    /// An HTTP request, its timeouts, and the networks it may not connect to.
    case http(HTTPRequest, timeouts: TransferTimeouts, deny: AddressDenyList)
    /// An SMTP submission.
    case mail(MailTransfer)
}
