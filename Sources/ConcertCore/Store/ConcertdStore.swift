/// Everything concertd keeps: concerts, subscriptions and the delivery outbox, behind intent-named
/// interfaces that expose no database types. `AppDatabase` (SQLite through GRDB) implements them
/// all, and `PostgresStore` (ConcertPostgres, through libpq) each of them; a ``StoreOpener`` opens one, and its engine's errors are read as ``StoreEngineError``s.
///
/// The interfaces are synchronous, and a store may block the calling thread. SQLite is
/// synchronous, and so is libpq, the PostgreSQL store's C client; its client CPU per row
/// is several times lower than PostgresNIO's (BENCHMARKS.md), whose async interface would cost
/// every reminder that difference. The callers are already threads that may wait: the
/// scheduler's serial queue, which counts a wait inside a store call as alive (`LivenessCheck`),
/// and the control handlers' own executor. A store that must wait on the network does so on its
/// own connections and threads, out of sight of the interface.
///
/// Each method is one transaction: it commits all of its effects or none.
///
/// What a second engine must keep that the method shapes do not say (the SQLite store under
/// `Store/SQLite/` is one implementation of these rules):
/// - **Serial transactions.** Transactions see each other serially (SQLite's one writer;
///   elsewhere, serializable or an equivalent lock).
/// - **Who may share a database is the engine's** (``StoreOpener`` says how each keeps it): a
///   SQLite file serves one daemon alone, kept so by a file lock; a server engine may let several
///   daemons share one database, and then keeps by its own means that no two of them claim,
///   recover or sweep the same row at once.
/// - **Claims are conditional.** `claim` takes a row only if it is still in the state it
///   was read in; a row changed meanwhile (paused, cancelled, claimed) is left out. Records for rows
///   no longer `sending` are ignored. "Oldest first" is `(next_attempt_at, id)`; ids only grow.
/// - **The same message** is one channel target, format, language, concert revision, kind and
///   offset, in rows of different subscriptions (confirmations and test messages are each their
///   own). At a claim, a row whose twin was sent is skipped as `duplicate`; a row whose twin is
///   being sent or retried is put off, up to 15 minutes, until that verdict; the verdict makes the
///   waiting rows due at once: sent, they are skipped as `duplicate`; failed or skipped, one of
///   them is sent in its place.
/// - **Planning** (which reminders and notices a change implies, who is told, what a resume
///   revives) follows ``DeliveryPlanner``, pure: the store reads the facts it asks for and writes
///   the rows it returns, in the transaction of the change. A row's identity is its subscription,
///   concert, concert revision, kind and offset (test messages have none): a planned row whose
///   identity exists is not inserted again, except that a row skipped because its subscription
///   was paused or disabled comes back, due at the planned moment.
/// - **A verdict of `gone`** (HTTP 410) disables the subscription if it is active, with the reason
///   `the endpoint answered 410 Gone: …`, and skips its pending rows as `disabled`, in the
///   transaction that records the verdict.
/// - **The catalog import** (`importCatalog`) adds and updates catalog concerts; a concert changed
///   through concertctl (`origin` `admin`) keeps its admin version whatever the file says; a
///   catalog concert the file no longer lists is cancelled, with the note `Removed from the
///   catalog file; treated as cancelled.`, and its subscribers are told as for any cancellation.
///   An admin concert is named in `keptAdminVersion` when the file's entry differs from it and
///   changed since `previous` (every differing entry when there is no `previous`), and in
///   `keptAdminVersionOfRemoved` when `previous` listed it and the file no longer does.
/// - **Counters** are kept with every state change and read by `counters()`: `delivery.STATE`,
///   `subscription.STATE`, `subscription_source.SOURCE.STATE` (``Subscription/Source/counterName(_:_:)``)
///   and the totals of finished deliveries (``FinishedDeliveryCount``). Nothing counts rows to
///   answer them.
/// - **Idempotency keys** are derived from a row's identity, never stored
///   (``Delivery/idempotencyKey(id:subscriptionID:concertID:revision:kind:offset:)``):
///   every engine gives a row the same key.
/// - **The same subscription** is refused as ``SubscriptionStore`` defines it.
/// - **Helpers every engine uses** are public so that an engine may live in its own module:
///   ``Delivery/idempotencyKey(id:subscriptionID:concertID:revision:kind:offset:)``,
///   ``FinishedDeliveryCount/counterName(state:kind:channel:)``, ``SequentialIDs``, ``NoticeTally`` and
///   ``ConcertChanges/count``.
/// - **Times** are kept to the millisecond.
/// - **One schema numbering for every engine** (``StoreMaintenance/schemaVersion()``,
///   ``StoreSchema``): version N is the first N of ``StoreSchema/migrations`` applied, each engine
///   with its own SQL, and holds the same data on every engine; what a store at the version this
///   code migrates to guarantees is what these interfaces promise. A store is *newer* when it holds
///   migrations not in that list, and a daemon refuses it (`newerSchema`,
///   ``StoreSchema/newerSchemaError(unknown:)``) on any engine.
/// - **`backup(to:)` and `size()`** are each engine's own: what a backup file is and what its size
///   counts (the SQLite store copies the database file) need not match between engines.
public typealias ConcertdStore = SendingStore & ConcertStore & SubscriptionStore & DeliveryHistoryStore
    & StoreMaintenance & WebFrontDoorStore
