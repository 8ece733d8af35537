extension PostgresConnection {
    /// How a transaction sees the writes of others.
    public enum Isolation: String, Sendable {
        /// Each statement sees what was committed before it began: the default, enough for
        /// statements that lock the rows they change (`FOR UPDATE SKIP LOCKED`).
        case readCommitted = "READ COMMITTED"
        /// The whole transaction sees one snapshot; a conflicting write fails it with a
        /// serialization error (`.serialization`), to be run again.
        case repeatableRead = "REPEATABLE READ"
        case serializable = "SERIALIZABLE"
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    ///
    /// A connection lost during the body or the commit leaves the outcome unknown to the caller
    /// (the server commits nothing it did not acknowledge, but the acknowledgement may be what
    /// was lost); the error says `.connectionLost`. Nested calls run inside the outer transaction.
    @discardableResult
    public func transaction<T>(_ isolation: Isolation = .readCommitted, _ body: () throws -> T) throws -> T {
        if inTransaction { return try body() }
        try execute(isolation == .readCommitted ? "BEGIN" : "BEGIN ISOLATION LEVEL \(isolation.rawValue)")
        setInTransaction(true)
        defer { setInTransaction(false) }
        let value: T
        do {
            value = try body()
        } catch {
            rollBack()
            throw error
        }
        try execute("COMMIT")
        return value
    }

    /// Rolls the open transaction back; a connection that cannot even do that is closed, so that
    /// nobody runs statements in a transaction left open.
    private func rollBack() {
        guard isUsable else { return close() }
        do {
            try execute("ROLLBACK")
        } catch {
            close()
        }
    }
}
