import Foundation

/// What happened and what is planned, as the control commands read it: deliveries, their
/// attempts and replies, the running counters, and a failed delivery put back in the queue.
public protocol DeliveryHistoryStore: Sendable {
    /// At most `limit` deliveries, newest first, before the one numbered `before`, optionally filtered.
    func deliveries(
        state: Delivery.State?, subscriptionID: String?, before: Int64?, limit: Int
    ) throws -> [Delivery]

    /// At most `limit` pending deliveries in due order after `after`.
    func upcoming(after: ListingPosition.Due?, limit: Int) throws -> [(position: ListingPosition.Due, entry: Delivery)]

    /// At most `limit` pending deliveries due in `[from, to]`, in due order after `after`, with
    /// their subscriptions; with `city`, only those whose subscription and concert both include it.
    func pendingDeliveries(
        from: Date, to: Date, city: String?, after: ListingPosition.Due?, limit: Int
    ) throws -> [(position: ListingPosition.Due, entry: PendingDelivery)]

    /// One delivery by id.
    func delivery(id: Int64) throws -> Delivery?

    /// The answers to the last attempts of `deliveryIDs` that got one, by delivery id.
    func lastReplies(deliveryIDs: [Int64]) throws -> [Int64: AttemptReply]

    /// The instance that made the last attempt of each of `deliveryIDs` that has one, by
    /// delivery id: the one sending it now, for a row in `sending`. Empty on a store one daemon
    /// keeps alone (SQLite), whose attempts name no instance.
    func lastAttemptInstances(deliveryIDs: [Int64]) throws -> [Int64: String]

    /// The reminders of a subscription's offsets that were never planned (their moment had passed).
    func unplannedReminders(subscriptionID: String) throws -> [UnplannedReminder]

    /// Puts a failed delivery back in the queue, due now.
    func retryDelivery(id: Int64, now: Date) throws

    /// Running counters: `delivery.sent`, `subscription.active`, … (rows by state now), and
    /// `finished.sent.reminder.slack`, … (``FinishedDeliveryCount``: deliveries that reached a
    /// final state, ever, kept with every move into one).
    func counters() throws -> [String: Int]
}

extension DeliveryHistoryStore {
    /// At most `limit` deliveries, newest first, optionally filtered.
    public func deliveries(
        state: Delivery.State? = nil, subscriptionID: String? = nil, limit: Int = 100
    ) throws -> [Delivery] {
        try deliveries(state: state, subscriptionID: subscriptionID, before: nil, limit: limit)
    }

    /// At most `limit` pending deliveries in due order.
    public func upcoming(limit: Int) throws -> [Delivery] {
        try upcoming(after: nil, limit: limit).map(\.entry)
    }
}
