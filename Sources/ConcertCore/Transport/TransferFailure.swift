/// Why a transfer did not complete: libcurl's result codes, sorted.
///
/// A struct over a private kind so that kinds can be added without breaking callers; compare
/// with the static members (`result.failure == .timedOut`, or `case .timedOut?` in a switch).
public struct TransferFailure: Sendable, Hashable, CustomStringConvertible {
    private enum Kind: String, Sendable, Hashable {
        case couldNotResolve, couldNotConnect, timedOut, tls, tlsUnavailable, connectionLost, refusedURL, loginDenied
        case unexpectedReply, sendFailed, responseTooLarge, invalidRequest, destinationUnusable, stopped, addressDenied
        case other
    }

    private let kind: Kind

    /// The host name did not resolve.
    public static let couldNotResolve = TransferFailure(kind: .couldNotResolve)
    /// The connection was refused or could not be made.
    public static let couldNotConnect = TransferFailure(kind: .couldNotConnect)
    /// The connect or total timeout passed.
    public static let timedOut = TransferFailure(kind: .timedOut)
    /// The TLS handshake failed, including certificate verification.
    public static let tls = TransferFailure(kind: .tls)
    /// TLS was required but the server does not offer STARTTLS.
    public static let tlsUnavailable = TransferFailure(kind: .tlsUnavailable)
    /// The connection broke while sending or receiving (reset, closed early, empty reply).
    public static let connectionLost = TransferFailure(kind: .connectionLost)
    /// The URL is malformed or its scheme is not allowed for this kind of transfer.
    public static let refusedURL = TransferFailure(kind: .refusedURL)
    /// The server refused the credentials (SMTP AUTH).
    public static let loginDenied = TransferFailure(kind: .loginDenied)
    /// The server answered something libcurl did not expect at that point (an SMTP greeting, the
    /// reply to EHLO or to the message).
    public static let unexpectedReply = TransferFailure(kind: .unexpectedReply)
    /// Sending failed: the connection broke while sending, or the server answered a command with
    /// an error reply and libcurl stopped there (SMTP MAIL, RCPT or DATA; see `responseCode`).
    public static let sendFailed = TransferFailure(kind: .sendFailed)
    /// The response body passed the abort limit; the status had been received.
    public static let responseTooLarge = TransferFailure(kind: .responseTooLarge)
    /// The request could not be handed to libcurl (a header with a line break, an empty recipient list).
    public static let invalidRequest = TransferFailure(kind: .invalidRequest)
    /// The job's settings for its destination cannot be used (an SMTP envelope sender that is not a
    /// plain address): no connection was made.
    public static let destinationUnusable = TransferFailure(kind: .destinationUnusable)
    /// Every address of the host is in a network the deny list refuses (`webhook_deny`): no
    /// connection was made, or no request sent over a reused one.
    public static let addressDenied = TransferFailure(kind: .addressDenied)
    /// The transport was stopped before the transfer finished.
    public static let stopped = TransferFailure(kind: .stopped)
    /// Any other libcurl error; `TransferResult.curlCode` tells which.
    public static let other = TransferFailure(kind: .other)

    public var description: String { kind.rawValue }
}
