/// One transfer handed to the transport thread, with the callback that receives its result.
struct TransferJob: Sendable {
    /// Makes the transfer on the transport thread just before it starts, so that a fan-out's
    /// requests and messages are built on the transport's core instead of the scheduler's. The error
    /// it throws is the job's result.
    var build: @Sendable () throws(TransferPreparationError) -> Transfer
    var completion: @Sendable (TransferResult) -> Void
}
