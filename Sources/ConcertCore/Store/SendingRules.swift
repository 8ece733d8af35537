import Foundation

/// What the sending rules need of an engine, inside the transaction of one claim, verdict or test
/// message: its reads and writes, in the engine's SQL.
package protocol SendingSteps {
    /// The twin of a due row that may have one (``DeliveryTwin/mayExist(for:)``): another
    /// subscription's row with the same message.
    func twin(of due: PendingDelivery) throws -> DeliveryTwin
    /// Makes due now the rows waiting for `record`'s verdict, one that wakes them
    /// (``DeliveryTwin/verdictWakes(_:)``); returns how many.
    func wakeTwins(of record: DeliveryRecord) throws -> Int
    /// Skips a pending row with `reason`.
    func skip(_ delivery: Delivery, _ reason: Delivery.SkipReason, now: Date) throws
    /// Makes a pending row due at `until`.
    func putOff(_ delivery: Delivery, until: Date) throws
    /// Disables an active subscription, with `reason`.
    func disable(subscriptionID: String, reason: String, now: Date) throws
    /// Skips the subscription's pending messages with `reason`.
    func skipPending(subscriptionID: String, reason: Delivery.SkipReason, now: Date) throws
    /// The subscription `id`, for a test message.
    func subscription(id: String) throws -> Subscription?
    /// The stored concerts of any of `cities`, in date order.
    func storedConcerts(inCities cities: [String]) throws -> [StoredConcert]
}

/// What a claim, a verdict and a test message decide: the same rules on every engine
/// (``SendingStore``), over the engine's steps.
package enum SendingRules {
    /// Goes through the `due` rows, in order, by their twins: a row whose message another
    /// subscription of the same channel already sent is skipped as a duplicate; one whose twin is
    /// being sent or retried waits for that verdict (at most `DeliveryTwin.wait`); the others are
    /// handed to `claim`, one at a time, before the next row's twin is read. Returns the earliest
    /// moment a row was put off to, and the duplicates.
    package static func claim(
        _ due: [PendingDelivery], now: Date, _ steps: some SendingSteps, claim: (PendingDelivery) throws -> Void
    ) throws -> (putOffUntil: Date?, duplicates: [PendingDelivery]) {
        var putOffUntil: Date?
        var duplicates: [PendingDelivery] = []
        for item in due {
            switch DeliveryTwin.mayExist(for: item) ? try steps.twin(of: item) : .none {
            case .none:
                try claim(item)
            case .sent:
                try steps.skip(item.delivery, .duplicate, now: now)
                duplicates.append(item)
            case .pending:
                let until = now.addingTimeInterval(DeliveryTwin.wait)
                try steps.putOff(item.delivery, until: until)
                putOffUntil = min(putOffUntil ?? until, until)
            }
        }
        return (putOffUntil, duplicates)
    }

    /// What follows a verdict written to its `moved` row: the move counted into `moves`, the rows
    /// waiting for this verdict made due (returned: how many), and, for a verdict that disables its
    /// subscription (a webhook answering `410 Gone`), the subscription disabled and its pending
    /// messages skipped.
    package static func recorded(
        _ record: DeliveryRecord, moved: Int, into moves: inout StateMoveCounts, _ steps: some SendingSteps
    ) throws -> Int {
        moves.left(to: record.newState, count: moved)
        moves.finished(record)
        let woken = DeliveryTwin.verdictWakes(record) ? try steps.wakeTwins(of: record) : 0
        if let reason = record.disablesSubscription {
            let id = record.subscription.id
            try steps.disable(subscriptionID: id, reason: reason, now: record.finishedAt)
            try steps.skipPending(subscriptionID: id, reason: .disabled, now: record.finishedAt)
        }
        return woken
    }

    /// The subscription a test message goes to, and the concert it talks about: the next one
    /// (whose reminders are not over), or the latest one when none is upcoming. No such
    /// subscription, a removed one, or one with no concert: `notFound`.
    package static func testMessage(
        subscriptionID: String, now: Date, _ steps: some SendingSteps
    ) throws -> (Subscription, StoredConcert) {
        guard let subscription = try steps.subscription(id: subscriptionID), subscription.state != .removed else {
            throw StoreError(.notFound, "no subscription with id '\(subscriptionID)'")
        }
        let concerts = try steps.storedConcerts(inCities: subscription.cities)
        guard let concert = concerts.first(where: { $0.concert.schedule.reminderDeadline > now }) ?? concerts.last
        else {
            throw StoreError(.notFound, "subscription '\(subscriptionID)' has no concert to talk about")
        }
        return (subscription, concert)
    }
}
