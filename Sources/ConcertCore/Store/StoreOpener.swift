/// Where concertd keeps its data and how a store there is opened: the daemon and
/// `concertd check-config` reach their store through this alone, so another engine is one more
/// conformance. `SQLiteStoreOpener` opens the SQLite file of the state directory.
///
/// Who may use a store at once is each engine's to keep, and an opener's duty: a SQLite file
/// serves one daemon alone, and the daemon takes the file's `flock` lock (`DatabaseLock`) before
/// it asks `SQLiteStoreOpener` to `open()` it, so that no second daemon migrates, recovers or
/// sends from it. A server engine keeps exclusivity by its own means where it needs it (migrations
/// under a lock of the server's, claims that hold their rows) and may let several daemons share
/// one database.
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
