import ConcertCore
import ConcertPostgres
import Dispatch
import Foundation
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
///
/// **Coalescing.** Wakes are asked on the listener's queue, one at a time: `wake` may block until
/// the scheduler has taken it (the daemon's waits for the scheduler's queue), and the notices
/// heard meanwhile are absorbed into one more wake. A burst of a thousand subscriptions made
/// through another instance wakes this one a few times, not a thousand.
///
/// **The journal.** A lost connection is logged once, with the reason (the server's, when it
/// ended the session); its return once, with how long it was away; in between, each other kind of
/// failure a connection attempt meets once (a login refused after the server went away), and a
/// reminder at most every ``reminderInterval``, however often the listener tries to connect.
final class StoreChangeListener: Sendable {
    let instanceName: String
    private let listener: PostgresListener

    /// How often, at most, the journal is reminded that the listening connection is still lost.
    static let reminderInterval: TimeInterval = 300

    /// `onCatalog` is called, before `wake`, on another instance's `catalog` notice and each
    /// time the connection is made (a notice may have been missed): the daemon takes the
    /// catalog in force from the store (`Daemon.followCatalogInForce()`).
    init(
        store: PostgresStore, logger: Logger, backoff: PostgresListener.Backoff = PostgresListener.Backoff(),
        reminderInterval: TimeInterval = StoreChangeListener.reminderInterval,
        onCatalog: (@Sendable () -> Void)? = nil, wake: @escaping @Sendable () -> Void
    ) {
        let instanceName = store.instanceName
        self.instanceName = instanceName
        let target = DispatchQueue(label: "concertd.store-changes")
        let state = ListeningState()
        // Runs on `target`, after every event already queued there: those asked one wake.
        let wakeOnce: @Sendable () -> Void = {
            guard !state.wakePending else { return }
            state.wakePending = true
            target.async {
                state.wakePending = false
                wake()
            }
        }
        listener = PostgresListener(
            settings: store.pool.settings, channels: [StoreChangeNotice.channel], backoff: backoff, target: target
        ) { event in
            switch event {
            case .connected(let again):
                // A change made between the scheduler's start (or the connection's loss) and now
                // was not heard: read the store afresh.
                if let lost = state.lostAt {
                    logger.notice(
                        "listening to the other instances' changes again; re-reading the store",
                        metadata: ["away_seconds": "\(Int(Date().timeIntervalSince(lost).rounded()))"])
                } else if again {
                    logger.notice("listening to the other instances' changes again; re-reading the store")
                }
                state.lostAt = nil
                onCatalog?()
                wakeOnce()
            case .disconnected(let error, _):
                let now = Date()
                let reason = error.kind
                if let lost = state.lostAt, !state.reasons.contains(reason) {
                    // Another reason while away (the server gone, then the login refused): once each.
                    state.reasons.insert(reason)
                    state.remindedAt = now
                    logger.warning(
                        error.kind == .loginRefused
                            ? "still not hearing the other instances' changes: PostgreSQL refuses the listening connection's login"
                            : "still not hearing the other instances' changes: the listening connection to PostgreSQL cannot be made",
                        metadata: [
                            "error": "\(error)", "away_seconds": "\(Int(now.timeIntervalSince(lost).rounded()))",
                        ])
                } else if let lost = state.lostAt {
                    guard now.timeIntervalSince(state.remindedAt ?? lost) >= reminderInterval else { return }
                    state.remindedAt = now
                    logger.warning(
                        "still not hearing the other instances' changes: the listening connection to PostgreSQL is lost",
                        metadata: [
                            "error": "\(error)", "away_seconds": "\(Int(now.timeIntervalSince(lost).rounded()))",
                        ])
                } else {
                    state.lostAt = now
                    state.remindedAt = nil
                    state.reasons = [reason]
                    logger.warning(
                        "not hearing the other instances' changes: the listening connection to PostgreSQL is lost; retrying",
                        metadata: ["error": "\(error)"])
                }
            case .notification(let notification):
                let notice = StoreChangeNotice(payload: notification.payload)
                guard notice?.instance != instanceName else { return }
                logger.debug(
                    "another instance changed the store",
                    metadata: ["notice": "\(notification.payload)"])
                if notice?.kind == .catalog { onCatalog?() }
                wakeOnce()
            }
        }
    }

    func start() { listener.start() }

    /// Stops listening; no wake after it returns but one already on its way.
    func stop() { listener.stop() }
}

/// What the listener's handler remembers between events: touched on its queue only.
private final class ListeningState: @unchecked Sendable {
    // @unchecked: every field is touched on the listener's target queue only.
    var wakePending = false
    /// When the listening connection was lost, nil while listening.
    var lostAt: Date?
    var remindedAt: Date?
    /// The kinds of failure logged while away (lost, login refused, no connection to spare), each once.
    var reasons: Set<PostgresError.Kind> = []
}
