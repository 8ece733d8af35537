import Foundation

/// What the subscription rules need of an engine, inside the transaction of one change: its reads
/// and writes, in the engine's SQL.
package protocol SubscriptionSteps {
    /// The subscription `id`, read to be changed (an engine that locks rows locks it).
    func subscriptionToChange(id: String) throws -> Subscription?
    /// Refuses, with `conflict` naming it, a subscription not removed that asks for the same as `new`.
    func refuseSameSubscription(as new: NewSubscription) throws
    /// Stores the new `subscription`, made by `source`.
    func insert(_ subscription: Subscription, source: Subscription.Source) throws
    /// Writes `subscription`'s state and its reason.
    func writeState(of subscription: Subscription, now: Date) throws
    /// Skips the subscription's pending messages with `reason`.
    func skipPending(subscriptionID: String, reason: Delivery.SkipReason, now: Date) throws
    /// Plans the subscription's reminders from `now`; `confirm` queues the usual confirmation, and
    /// the concert it names, if any, is returned.
    @discardableResult
    func plan(_ subscription: Subscription, now: Date, confirm: Bool) throws -> StoredConcert?
}

/// What creating a subscription or changing its state writes and plans: the same rules on every
/// engine (``SubscriptionStore``), over the engine's steps.
package enum SubscriptionRules {
    /// Stores a subscription made through concertctl and plans its reminders; `confirm` queues a
    /// confirmation naming the next concert, returned with it. One that asks for the same as one
    /// not removed is refused with `conflict` naming it.
    package static func create(
        _ new: NewSubscription, id: String, now: Date, confirm: Bool, _ steps: some SubscriptionSteps
    ) throws -> (Subscription, nextConcert: StoredConcert?) {
        try steps.refuseSameSubscription(as: new)
        let subscription = Subscription(
            id: id, channel: new.channel, cities: new.cities, offsets: new.offsets, language: new.language,
            label: new.label, createdAt: now)
        try steps.insert(subscription, source: .control)
        let next = try steps.plan(subscription, now: now, confirm: confirm)
        return (subscription, next)
    }

    /// Pauses, resumes, disables or removes a subscription. Pending messages of a subscription
    /// that stops are skipped with that reason (history is kept); one that becomes active again
    /// has its reminders planned anew from `now` on. No such subscription, or a removed one:
    /// `notFound`.
    @discardableResult
    package static func setState(
        id: String, to state: Subscription.State, reason: String?, now: Date, _ steps: some SubscriptionSteps
    ) throws -> Subscription {
        guard var subscription = try steps.subscriptionToChange(id: id), subscription.state != .removed else {
            throw StoreError(.notFound, "no subscription with id '\(id)'")
        }
        let previous = subscription.state
        subscription.state = state
        subscription.stateReason = reason
        try steps.writeState(of: subscription, now: now)
        if let skipReason = state.skipReason {
            try steps.skipPending(subscriptionID: id, reason: skipReason, now: now)
        } else if previous != .active {
            try steps.plan(subscription, now: now, confirm: false)
        }
        return subscription
    }
}
