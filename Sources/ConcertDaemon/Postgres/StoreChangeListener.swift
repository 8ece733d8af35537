import ConcertCore
import ConcertPostgres
import Dispatch
import Logging

/// Hears what the other instances sharing the PostgreSQL store change (``StoreChangeNotice``,
/// `LISTEN` on a connection of its own, no polling) and wakes this instance's scheduler, which
/// re-plans from the store and re-arms its one timer: a subscription made through another
/// instance's socket or web front door, a concert change or import there, reaches this one at once.
///
/// Its own notices are passed over (the instance woke its scheduler when it made the change). A
/// notice of a kind this code does not know (a newer instance) wakes it too. Each time the
/// listening connection is made (the first time, just after the scheduler started, and again
/// after a loss, when notices sent meanwhile are lost) it wakes the scheduler as well, which reads
/// the store afresh.
final class StoreChangeListener: Sendable {
    let instanceName: String
    private let listener: PostgresListener

    init(
        store: PostgresStore, logger: Logger, backoff: PostgresListener.Backoff = PostgresListener.Backoff(),
        wake: @escaping @Sendable () -> Void
    ) {
        let instanceName = store.instanceName
        self.instanceName = instanceName
        listener = PostgresListener(
            settings: store.pool.settings, channels: [StoreChangeNotice.channel], backoff: backoff,
            target: DispatchQueue(label: "concertd.store-changes")
        ) { event in
            switch event {
            case .connected(let again):
                // A change made between the scheduler's start (or the connection's loss) and now
                // was not heard: read the store afresh.
                if again { logger.notice("listening to the other instances' changes again; re-reading the store") }
                wake()
            case .disconnected(let error, let retryIn):
                logger.warning(
                    "not hearing the other instances' changes: the listening connection to PostgreSQL is lost",
                    metadata: ["error": "\(error)", "retry_in": "\(retryIn)s"])
            case .notification(let notification):
                let notice = StoreChangeNotice(payload: notification.payload)
                guard notice?.instance != instanceName else { return }
                logger.debug(
                    "another instance changed the store",
                    metadata: ["notice": "\(notification.payload)"])
                wake()
            }
        }
    }

    func start() { listener.start() }

    /// Stops listening; no wake after it returns but one already on its way.
    func stop() { listener.stop() }
}
