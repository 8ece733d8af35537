import Logging

extension Logger {
    /// Logs one operator action at `notice`: the journal line of a change someone asked for.
    func operatorAction(_ message: Logger.Message, by requester: Requester, _ metadata: Logger.Metadata = [:]) {
        notice(message, metadata: metadata.merging(requester.metadata) { $1 })
    }
}
