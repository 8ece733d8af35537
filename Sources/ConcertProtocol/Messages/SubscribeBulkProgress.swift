/// The parameters of `subscribe.bulk.progress`: a batch being staged or committed.
public struct SubscribeBulkProgressParams: ControlParams, Hashable {
    public var batch: String

    public init(batch: String) {
        self.batch = batch
    }
}

/// The result of `subscribe.bulk.progress`: how far a batch has come.
///
/// A client waiting for a long commit asks this on another connection: a daemon that answers
/// is alive, however long the commit takes.
public struct SubscribeBulkProgressResult: Codable, Sendable, Hashable {
    public enum State: String, Codable, Sendable, Hashable {
        /// Chunks are being staged; nothing is stored yet.
        case staged
        /// `subscribe.bulk.commit` is storing the batch in its one transaction.
        case committing
    }

    public var batch: String
    public var state: State
    /// Subscriptions staged in the batch.
    public var staged: Int
    /// Subscriptions the commit has written so far (0 before it starts); they become visible
    /// all at once when the transaction ends.
    public var imported: Int

    public init(batch: String, state: State, staged: Int, imported: Int) {
        self.batch = batch
        self.state = state
        self.staged = staged
        self.imported = imported
    }
}
