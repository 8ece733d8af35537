/// Why a job made no transfer: its build step could not make one, or libcurl could not be given it.
///
/// The transport reports it as the job's result (`TransferResult.failure` is `failure`, its
/// `message` is `message`) without connecting anywhere; the channel's verdict rules read it like any
/// other failure.
public struct TransferPreparationError: Error, Sendable {
    public var failure: TransferFailure
    public var message: String

    /// The request or message cannot be made, or is refused before sending: nothing about it will
    /// change on a retry (`invalidRequest`).
    public static func invalidRequest(_ message: String) -> TransferPreparationError {
        TransferPreparationError(failure: .invalidRequest, message: message)
    }

    /// The settings of the destination itself cannot be used (an envelope sender that is not a
    /// plain address): every transfer to it fails until they change (`destinationUnusable`).
    public static func destinationUnusable(_ message: String) -> TransferPreparationError {
        TransferPreparationError(failure: .destinationUnusable, message: message)
    }
}
