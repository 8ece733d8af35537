import Foundation

/// The store as the scheduler sends from it: recovery at start, catch-up, claims of the outbox's
/// due rows, verdicts and the next due time (see `ConcertdStore` for why it is synchronous). The
/// other interfaces plan the rows; this one moves them on.
///
/// A row goes `scheduled`/`retrying` → `sending` (claimed, durable before any byte leaves) →
/// `sent`, `retrying`, `failed` or `skipped` (recorded).
public protocol SendingStore: ConcertLookup {
    /// Rows left in `sending` by a crash go back to the queue, due now: at-least-once delivery.
    /// Returns how many were recovered.
    func recoverInterruptedSends(now: Date) throws -> Int

    /// Skips, as `superseded`, every reminder made pointless by a later reminder of the same
    /// subscription and concert that became due in `(after, upTo]`: after downtime or a clock jump
    /// only the latest missed reminder is sent. Returns the number skipped and the earliest
    /// next attempt after `now` among pending rows: nothing can need the catch-up before it.
    func supersedeStaleReminders(after: Date, upTo now: Date) throws -> (skipped: Int, nextDue: Date?)

    /// At most `limit` rows due at `now`, oldest first, with their subscriptions, leaving out the
    /// rows of `destinations` (each at its limit or held).
    func dueDeliveries(now: Date, limit: Int, excluding destinations: Set<String>) throws -> [PendingDelivery]

    /// Writes `records` (as `record` does), then claims the `due` rows still pending, marking them
    /// `sending` (recording an attempt each), and skips the ones given, all in one transaction.
    /// Returns the claimed rows (to send), the earliest moment a row was put off to (it waits for
    /// another subscription's send of the same message), whether a recorded verdict made rows due,
    /// and the `due` rows skipped as duplicates of a message the channel already got.
    func claim(
        _ due: [PendingDelivery], skipping skips: [(Delivery, Delivery.SkipReason)],
        recording records: [DeliveryRecord], now: Date
    ) throws -> (sending: [ClaimedDelivery], putOffUntil: Date?, woke: Bool, duplicates: [PendingDelivery])

    /// Writes the records of verdicts in one transaction; disables subscriptions whose endpoint is
    /// gone. Returns how many rows waiting for these verdicts became due.
    @discardableResult
    func record(_ records: [DeliveryRecord]) throws -> Int

    /// The earliest next attempt after `now` among pending rows.
    func nextDue(after now: Date) throws -> Date?

    /// Records a test message for a subscription as `sending`, about its next concert (or its
    /// latest one when none is upcoming), and returns it ready to send.
    func createTestDelivery(subscriptionID: String, now: Date) throws -> ClaimedDelivery
}

extension SendingStore {
    /// Claims the `due` rows still pending and skips the ones given, with no verdicts to record.
    public func claim(
        _ due: [PendingDelivery], skipping skips: [(Delivery, Delivery.SkipReason)], now: Date
    ) throws -> (sending: [ClaimedDelivery], putOffUntil: Date?, woke: Bool, duplicates: [PendingDelivery]) {
        try claim(due, skipping: skips, recording: [], now: now)
    }
}
