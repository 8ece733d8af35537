/// One transfer handed to the transport thread, with the callback that receives its result.
struct TransferJob: Sendable {
    /// Makes the transfer on the transport thread just before it starts, so that a fan-out's
    /// requests and messages are built on the transport's core instead of the scheduler's. A build
    /// that throws fails the job as `invalidRequest` with the error's description.
    var build: @Sendable () throws -> Transfer
    var completion: @Sendable (TransferResult) -> Void
}
