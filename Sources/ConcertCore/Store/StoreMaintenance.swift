/// The store as a whole: its schema, its size, a consistent copy, and whether it answers.
///
/// Synchronous like every store interface (see `ConcertdStore`): SQLite and libpq, the C client
/// a PostgreSQL store would use, block the calling thread, and the callers (the daemon's start,
/// the scheduler's Dispatch queue, the control handlers' executor) may wait.
public protocol StoreMaintenance: Sendable {
    /// The schema version: how many of ``StoreSchema/migrations`` are applied, one numbering for
    /// every engine (each applies them with its own SQL).
    func schemaVersion() throws -> Int

    /// Applies the migrations this code knows and the store lacks, in order, each all or nothing,
    /// and returns the schema version; a store already up to date is left as it is. A store with
    /// migrations this code does not know (a newer concertd wrote it) is refused with a
    /// ``StoreError`` of code `newerSchema` that names them, and nothing is changed: running it
    /// would lose what the newer code keeps. ``StoreOpener/open()`` runs this before anything
    /// reads the store.
    @discardableResult
    func migrate() throws -> Int

    /// The store's size in bytes, as `backup(to:)` would copy it.
    func size() throws -> Int64

    /// Copies the whole store into a new file at `path`, consistent while writes go on, and
    /// returns the copy's schema version. `path` must not exist; the file is made with mode 0600.
    func backup(to path: String) throws -> Int

    /// Whether the store answers a read within `timeout`, even while a long write holds it.
    func readLiveness(timeout: Duration) -> LivenessReport

    /// Whether several daemons may share this store at once (a server engine); a SQLite file
    /// serves one. A shared store keeps what the instances must agree on: the catalog in force
    /// (a start does not replace it with its own file) and the clock's anchor.
    var sharedByInstances: Bool { get }

    /// The anchor of the clock a starting daemon runs on, given its `--clock-start` and
    /// `--clock-rate` (`shift`; nil for neither). A store one daemon owns keeps none: every start
    /// anchors its clock at that moment. A shared store keeps the anchor of the instances running
    /// on it: the first stores its own (its flags and the real instant it began, on the server's
    /// clock); one started while others run follows theirs when its flags are the same, and is
    /// refused (a ``StoreError`` of code `invalid` naming both) when they differ.
    func anchorClock(_ shift: ClockShift?) throws -> ClockAnchor
}
