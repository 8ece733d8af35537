import Foundation

/// What the web front door's rule needs of an engine beyond the subscription rules' steps, inside
/// the transaction of one confirmation or undo: its reads and writes, in the engine's SQL.
package protocol WebSubscriptionSteps: SubscriptionSteps {
    /// The oldest subscription made on the web and not removed whose address (any case) or
    /// webhook URL is `channel`'s, if any. Subscriptions an operator made are not looked at.
    func liveWebSubscriptionID(of channel: ChannelAddress) throws -> String?
    /// The id of a subscription not removed that asks for the same as `new`, if any.
    func sameSubscriptionID(as new: NewSubscription) throws -> String?
    /// Writes `subscription`'s cities, offsets and language.
    func writeSettings(of subscription: Subscription, now: Date) throws
    /// Writes a webhook subscription's format.
    func writeFormat(_ format: String, id: String) throws
}

/// The subscription a confirmed web request, or an undone removal, leads to: the same rule on
/// every engine (``WebFrontDoorStore``), over the engine's steps.
///
/// An address (in any case) or webhook URL has one web subscription: a request for one that has
/// it changes it, so that the one-click link of any of its messages stops them all. Otherwise a
/// subscription asking for the same is the answer, and only then is one made.
package enum WebSubscriptionRule {
    /// The id of the subscription the request for `new` leads to, once confirmed.
    package static func confirm(
        _ new: NewSubscription, confirm: Bool, now: Date, _ steps: some WebSubscriptionSteps
    ) throws -> String {
        if let web = try steps.liveWebSubscriptionID(of: new.channel) {
            try change(id: web, to: new, now: now, confirm: confirm, steps)
            return web
        }
        // Already subscribed with these settings: confirming changes nothing.
        if let same = try steps.sameSubscriptionID(as: new) { return same }
        let subscription = Subscription(
            id: Subscription.makeID(), channel: new.channel, cities: new.cities, offsets: new.offsets,
            language: new.language, createdAt: now)
        try steps.insert(subscription, source: .web)
        try steps.plan(subscription, now: now, confirm: confirm)
        return subscription.id
    }

    /// The id of the subscription undoing the removal of `removed` leads to. When the address
    /// subscribed again on the form meanwhile, the undo leads to that one, as it stands.
    package static func restore(_ removed: Subscription, now: Date, _ steps: some WebSubscriptionSteps) throws -> String
    {
        let new = NewSubscription(
            channel: removed.channel, cities: removed.cities, offsets: removed.offsets, language: removed.language,
            label: removed.label)
        if let web = try steps.liveWebSubscriptionID(of: new.channel) { return web }
        if let same = try steps.sameSubscriptionID(as: new) { return same }
        let subscription = Subscription(
            id: Subscription.makeID(), channel: new.channel, cities: new.cities, offsets: new.offsets,
            language: new.language, label: new.label, createdAt: now)
        try steps.insert(subscription, source: .web)
        try steps.plan(subscription, now: now, confirm: false)
        return subscription.id
    }

    /// Gives the subscription `id` the settings of `new` (cities, offsets, language, and a
    /// webhook's format): its pending messages are skipped (`changed`) and planned again from
    /// `now`. A paused or disabled one is made active, as a confirmed request asks for reminders;
    /// `confirm` queues the usual confirmation.
    private static func change(
        id: String, to new: NewSubscription, now: Date, confirm: Bool, _ steps: some WebSubscriptionSteps
    ) throws {
        if case .webhook(_, let format, _) = new.channel { try steps.writeFormat(format, id: id) }
        var subscription = try change(
            id: id, cities: new.cities, offsets: new.offsets, language: new.language, now: now, steps)
        if subscription.state != .active {
            // Made active as resuming makes it.
            subscription = try SubscriptionRules.setState(id: id, to: .active, reason: nil, now: now, steps)
        }
        if confirm { try steps.plan(subscription, now: now, confirm: true) }
    }

    /// Gives a subscription that is not removed new cities, offsets and language; an active one has
    /// its pending messages skipped (`changed`) and planned again from `now`
    /// (`WebFrontDoorStore.changeSubscription`).
    package static func change(
        id: String, cities: [String], offsets: [ReminderOffset], language: Language, now: Date,
        _ steps: some WebSubscriptionSteps
    ) throws -> Subscription {
        guard var subscription = try steps.subscriptionToChange(id: id), subscription.state != .removed else {
            throw StoreError(.notFound, "no subscription with id '\(id)'")
        }
        subscription.cities = cities
        subscription.offsets = offsets
        subscription.language = language
        try steps.writeSettings(of: subscription, now: now)
        if subscription.state == .active {
            try steps.skipPending(subscriptionID: id, reason: .changed, now: now)
            try steps.plan(subscription, now: now, confirm: false)
        }
        return subscription
    }
}
