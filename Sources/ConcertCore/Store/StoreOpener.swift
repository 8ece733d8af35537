/// Where concertd keeps its data and how a store there is opened: the daemon and
/// `concertd check-config` reach their store through this alone, so another engine is one more
/// conformance. `SQLiteStoreOpener` opens the SQLite file of the state directory.
public protocol StoreOpener: Sendable {
    /// Opens the store for the daemon, creating it when there is none, and migrates it
    /// (``StoreMaintenance/migrate()``) before anything reads it: refuses, with a ``StoreError``
    /// of code `newerSchema`, a store a newer concertd wrote. A failure that waiting may cure is
    /// a ``StoreError`` with `isTemporary` set or a temporary ``StoreEngineError``.
    func open() throws -> any ConcertdStore

    /// Opens an existing store only to read it, neither creating nor migrating it, so it can be
    /// read beside a running daemon (`check-config`); nil when there is no store yet. Every
    /// write to it fails.
    func openToRead() throws -> (any ConcertdStore)?
}
