import ConcertCore
import Foundation

/// The subscription rules' steps (``SubscriptionRules``, ``WebSubscriptionRule``) in PostgreSQL's
/// SQL, inside the caller's transaction (which holds the planning lock, and the target's lock
/// where a subscription is made).
struct PostgresSubscriptionSteps: SubscriptionSteps {
    let connection: PostgresConnection

    func subscriptionToChange(id: String) throws -> Subscription? {
        try PostgresStore.subscriptionRow(connection, id: id, locking: true)
    }

    func refuseSameSubscription(as new: NewSubscription) throws {
        try PostgresStore.refuseSameSubscription(connection, as: new)
    }

    func insert(_ subscription: Subscription, source: Subscription.Source) throws {
        try PostgresStore.insertSubscription(connection, subscription, source: source)
    }

    func writeState(of subscription: Subscription, now: Date) throws {
        try connection.query(
            "UPDATE subscription SET state = $1, state_reason = $2, updated_at = $3 WHERE id = $4",
            [
                .text(subscription.state.rawValue), .text(subscription.stateReason), .integer(now.millis),
                .text(subscription.id),
            ])
    }

    func skipPending(subscriptionID: String, reason: Delivery.SkipReason, now: Date) throws {
        try PostgresStore.skipPending(connection, subscriptionID: subscriptionID, reason: reason, now: now)
    }

    @discardableResult
    func plan(_ subscription: Subscription, now: Date, confirm: Bool) throws -> StoredConcert? {
        try PostgresStore.planSubscription(connection, subscription, after: now, now: now, confirm: confirm)
    }
}
