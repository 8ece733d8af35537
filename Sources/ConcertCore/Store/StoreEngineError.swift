/// An error of a store's database engine (SQLite's, PostgreSQL's), described without naming the
/// engine: the scheduler, the control handlers and the daemon's start decide from these alone
/// whether to wait and try again, and what to show meanwhile.
///
/// Each store makes its engine's error types conform at its own boundary (the SQLite store:
/// GRDB's `DatabaseError`, in `Store/SQLite/`), so no code outside the store knows the engine.
/// An error that does not conform is not the engine's: a refusal of the store's own
/// (``StoreError``) or a bug.
public protocol StoreEngineError: Error {
    /// What waiting may do for it.
    var storeFailure: StoreFailure { get }
    /// One line for `status`, the journal and a control reply, without the statement that failed:
    /// `database is locked (SQLite error 5)`.
    var storeMessage: String { get }
}

/// What waiting may do for a ``StoreEngineError``.
public enum StoreFailure: Sendable, Hashable {
    /// Waiting may cure it: the store busy or locked by another connection, the disk full, an I/O
    /// error, memory short, the connection to the server lost.
    case temporary
    /// The store cannot be written or reached until someone acts (a read-only file, one that
    /// cannot be opened): a running daemon waits and tries again, a start fails on it.
    case unavailable
    /// Anything else the engine reported (a damaged store, a broken constraint): it needs a person.
    case lasting
}
