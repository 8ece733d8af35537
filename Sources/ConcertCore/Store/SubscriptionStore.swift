import Foundation

/// The subscriptions, one at a time or in bulk, with the reminders each implies.
///
/// **The same subscription.** A new subscription is refused with a ``StoreError`` of code
/// `conflict` naming the other when a subscription that is not removed (active, paused or
/// disabled) has the same channel address (its kind and target), the same webhook format, the
/// same language, and the same set of cities and the same set of offsets (order and repeats do
/// not count). Its label and its secret do not count: the channel would get the same messages,
/// once (`claim` sends a message to one channel once). The check sees the rows of the caller's
/// own transaction, so a bulk import refuses a line repeated in its own file too.
public protocol SubscriptionStore: Sendable {
    /// Stores a subscription and plans its reminders; unless `confirm` is false, a confirmation
    /// naming the next concert is queued for now. Returns the subscription and that concert. One
    /// that asks for the same as one not removed (see "The same subscription" above) is refused
    /// with `conflict` naming it.
    func createSubscription(
        _ new: NewSubscription, now: Date, confirm: Bool, id: String
    ) throws -> (Subscription, nextConcert: StoredConcert?)

    /// One subscription by id, removed ones included.
    func subscription(id: String) throws -> Subscription?

    /// Subscriptions not removed (or all), optionally only those of one city, oldest first.
    func subscriptions(city: String?, includeRemoved: Bool) throws -> [Subscription]

    /// At most `limit` subscriptions not removed, in the order they were created, after `after`;
    /// only those of `city` when one is given.
    func subscriptions(
        city: String?, after: ListingPosition.Subscription?, limit: Int
    ) throws -> [(position: ListingPosition.Subscription, entry: Subscription)]

    /// Pauses, resumes, disables or removes a subscription: the pending messages of one that
    /// stops are skipped with that reason; one that becomes active again is planned anew from `now`.
    @discardableResult
    func setSubscriptionState(
        id: String, to state: Subscription.State, reason: String?, now: Date
    ) throws -> Subscription

    /// When a subscription last changed (its state, for one that is paused, disabled or removed);
    /// `nil` when there is no such subscription.
    func subscriptionChangedAt(id: String) throws -> Date?

    /// A block of subscription ids no stored subscription has and whose prefix is not in
    /// `avoiding`, for a staged import to hand out before its commit.
    func reserveSubscriptionIDBlock(avoiding: Set<String>) throws -> SubscriptionIDBlock

    /// The bulk path of `concertctl subscribe --from`: `body` hands the subscriptions to the
    /// importer one by one, all in one transaction that `body` aborts by throwing, without
    /// confirmation messages. Returns how many were stored.
    @discardableResult
    func importSubscriptions(now: Date, _ body: (any SubscriptionImporting) throws -> Void) throws -> Int

    /// How many email subscriptions are active: a reload that turns email off holds their reminders
    /// and says how many.
    func activeEmailSubscriptionCount() throws -> Int
}

/// Stores the subscriptions of one bulk import, inside its transaction.
public protocol SubscriptionImporting: AnyObject {
    /// Stores one subscription, active, with its reminders; returns its id: `id` when given (one
    /// of a ``SubscriptionIDBlock`` that ``isFree(_:)`` has confirmed), else a new one. Throws a
    /// `conflict` `StoreError`, storing nothing, when a subscription not removed (or an earlier
    /// one of this import) already asks for the same.
    func add(_ new: NewSubscription, id: String?) throws -> String

    /// Whether no stored subscription has an id of `block` yet.
    func isFree(_ block: SubscriptionIDBlock) throws -> Bool

    /// Announces subscriptions about to be added (some or all of them, in any order), so that
    /// an engine can look up at once what their checks need rather than at each ``add(_:id:)``.
    /// Optional: a subscription added without it is checked all the same.
    func prepare(toAdd subscriptions: [NewSubscription]) throws
}

extension SubscriptionImporting {
    /// Nothing to look up ahead: the engine checks each subscription as it is added.
    public func prepare(toAdd subscriptions: [NewSubscription]) throws {}

    /// Stores one subscription with a new id; see ``add(_:id:)``.
    public func add(_ new: NewSubscription) throws -> String {
        try add(new, id: nil)
    }
}

extension SubscriptionStore {
    /// Stores a subscription with a new id; unless `confirm` is false, queues its confirmation.
    public func createSubscription(
        _ new: NewSubscription, now: Date, confirm: Bool = true
    ) throws -> (Subscription, nextConcert: StoredConcert?) {
        try createSubscription(new, now: now, confirm: confirm, id: Subscription.makeID())
    }

    /// Subscriptions not removed, optionally only those of one city, oldest first.
    public func subscriptions(city: String? = nil) throws -> [Subscription] {
        try subscriptions(city: city, includeRemoved: false)
    }

    /// Changes a subscription's state with no reason recorded.
    @discardableResult
    public func setSubscriptionState(id: String, to state: Subscription.State, now: Date) throws -> Subscription {
        try setSubscriptionState(id: id, to: state, reason: nil, now: now)
    }

    /// Stores many subscriptions and plans their reminders in one transaction, without
    /// confirmation messages. Returns them in the order given.
    @discardableResult
    public func importSubscriptions(_ subscriptions: [NewSubscription], now: Date) throws -> [Subscription] {
        var stored: [Subscription] = []
        stored.reserveCapacity(subscriptions.count)
        try importSubscriptions(now: now) { importer in
            try importer.prepare(toAdd: subscriptions)
            for new in subscriptions {
                let id = try importer.add(new, id: nil)
                stored.append(
                    Subscription(
                        id: id, channel: new.channel, cities: new.cities, offsets: new.offsets, language: new.language,
                        label: new.label, createdAt: now))
            }
        }
        return stored
    }
}
