/// How a store's errors read in `status`, the journal and control replies, and which of them may
/// clear by themselves, from ``StoreEngineError`` alone.
extension StoreFault {
    /// Whether `error` is the store's engine's (locked, full, read-only, I/O, connection lost), not
    /// a refusal of the store's own or a bug.
    static func isEngineError(_ error: any Error) -> Bool {
        error is any StoreEngineError
    }

    /// One line for `error` when it is a fault of the store's engine that may clear by itself or
    /// once someone acts (locked, full, read-only, I/O, out of memory) rather than a refusal or a
    /// bug; `nil` otherwise.
    public static func transientDescription(of error: any Error) -> String? {
        guard let error = error as? any StoreEngineError, error.storeFailure != .lasting else { return nil }
        return error.storeMessage
    }

    /// One line for `status` and the journal: the engine's own line when it is the engine's.
    public static func describe(_ error: any Error) -> String {
        (error as? any StoreEngineError)?.storeMessage ?? "\(error)"
    }
}
