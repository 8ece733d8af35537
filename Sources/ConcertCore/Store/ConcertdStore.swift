/// Everything concertd keeps: concerts, subscriptions and the delivery outbox, behind intent-named
/// interfaces that expose no database types. `AppDatabase` (SQLite through GRDB) implements them
/// all; a ``StoreOpener`` opens one, and its engine's errors are read as ``StoreEngineError``s.
///
/// The interfaces are synchronous, and a store may block the calling thread. SQLite is
/// synchronous, and so is libpq, the C client a PostgreSQL store would use; its client CPU per row
/// is several times lower than PostgresNIO's (BENCHMARKS.md), whose async interface would cost
/// every reminder that difference. The callers are already threads that may wait: the
/// scheduler's serial queue, which counts a wait inside a store call as alive (`LivenessCheck`),
/// and the control handlers' own executor. A store that must wait on the network does so on its
/// own connections and threads, out of sight of the interface.
///
/// Each method is one transaction: it commits all of its effects or none.
///
/// What a second engine must keep that the method shapes do not say (the SQLite store is the
/// reference; its files are named for each concern):
/// - **One writer.** The daemon holds the database alone (`DatabaseLock`); transactions see each
///   other serially (SQLite's one writer; elsewhere, serializable or an equivalent lock).
/// - **Claims are conditional.** `claim` takes a row only if it is still in the state it
///   was read in; a row changed meanwhile (paused, cancelled, claimed) is left out. Records for rows
///   no longer `sending` are ignored. "Oldest first" is `(next_attempt_at, id)`; ids only grow.
/// - **The same message** is one channel target, format, language, concert revision, kind and
///   offset: a second row of it waits for the first one's verdict (up to 15 minutes) and is
///   skipped as `duplicate` once it is sent (`AppDatabase+Sending.swift`).
/// - **Planning** (which reminders and notices a change implies, who is told, what a resume
///   revives) follows ``DeliveryPlanner``, pure: the store reads the facts it asks for and writes
///   the rows it returns, keeping one row per identity (`Store/SQLite/AppDatabase+Planning.swift`).
/// - **Counters** are `counters()`'s `delivery.STATE` and `subscription.STATE` names, kept with
///   every state change.
/// - **Times** are kept to the millisecond; schema versions count the same migrations on every
///   engine (`StoreMaintenance`).
public typealias ConcertdStore = SendingStore & ConcertStore & SubscriptionStore & DeliveryHistoryStore
    & StoreMaintenance
