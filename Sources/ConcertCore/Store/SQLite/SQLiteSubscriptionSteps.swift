import Foundation
import GRDB

/// The subscription rules' steps (``SubscriptionRules``, ``WebSubscriptionRule``) in SQLite's SQL,
/// inside the caller's transaction.
struct SQLiteSubscriptionSteps: SubscriptionSteps {
    let db: Database

    func subscriptionToChange(id: String) throws -> Subscription? {
        try AppDatabase.subscription(db, id: id)
    }

    func refuseSameSubscription(as new: NewSubscription) throws {
        try AppDatabase.refuseSameSubscription(db, as: new)
    }

    func insert(_ subscription: Subscription, source: Subscription.Source) throws {
        try AppDatabase.insert(db, subscription, source: source)
    }

    func writeState(of subscription: Subscription, now: Date) throws {
        // Prepared once per connection: with its triggers, compiling it costs more than running it.
        let update = try BoundStatement(
            db, cached: "UPDATE subscription SET state = ?, state_reason = ?, updated_at = ? WHERE id = ?")
        update.bind(1, subscription.state.rawValue)
        update.bind(2, subscription.stateReason)
        update.bind(3, now.millis)
        update.bind(4, subscription.id)
        try update.run(db)
    }

    func skipPending(subscriptionID: String, reason: Delivery.SkipReason, now: Date) throws {
        try AppDatabase.skipPending(db, subscriptionID: subscriptionID, reason: reason, now: now)
    }

    @discardableResult
    func plan(_ subscription: Subscription, now: Date, confirm: Bool) throws -> StoredConcert? {
        try AppDatabase.planSubscription(db, subscription, after: now, now: now, confirm: confirm)
    }
}
