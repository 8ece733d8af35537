/// Everything concertd keeps: concerts, subscriptions and the delivery outbox, behind intent-named
/// interfaces that expose no database types. `AppDatabase` (SQLite through GRDB) implements them
/// all; a ``StoreOpener`` opens one, and its engine's errors are read as ``StoreEngineError``s.
///
/// The interfaces are synchronous, and a store may block the calling thread. SQLite is
/// synchronous, and so is libpq, the C client a PostgreSQL store would use: measured on these
/// machines against PostgreSQL 15 (release builds, one connection over 127.0.0.1), its client CPU
/// per row is 21 µs for a select by key and 31 µs for an insert, against 136–158 µs and 156–184 µs
/// for PostgresNIO, whose async interface would have cost every reminder that difference. The callers are already threads that
/// may wait: the scheduler's serial queue, which counts a wait inside a store call as alive
/// (`LivenessCheck`), and the control handlers' own executor. A store that must wait on the
/// network does so on its own connections and threads, out of sight of the interface.
///
/// Each method is one transaction: it commits all of its effects or none.
public typealias ConcertdStore = OutboxStore & ConcertStore & SubscriptionStore & DeliveryHistoryStore
    & StoreMaintenance
