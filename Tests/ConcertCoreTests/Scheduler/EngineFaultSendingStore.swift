import ConcertCore
import Foundation
import Synchronization

/// A sending store of another engine, in process: it keeps its rows in a real SQLite store but
/// fails, while told to, with an error of its own engine that says it is temporary. The
/// scheduler knows it only through `SendingStore` and `StoreEngineError`.
final class EngineFaultSendingStore: SendingStore {
    /// The engine's error: its description differs from the one line it gives for `status`, so a
    /// test sees which of the two the scheduler shows.
    struct ConnectionLost: StoreEngineError, CustomStringConvertible {
        var storeFailure: StoreFailure { .temporary }
        var storeMessage: String { "the connection to the store was lost (fake engine)" }
        var description: String { "ConnectionLost(code: 57)" }
    }

    /// Which calls fail.
    struct Faults: OptionSet {
        let rawValue: Int
        static let writes = Faults(rawValue: 1)
        static let concertReads = Faults(rawValue: 2)
    }

    private let rows: AppDatabase
    private let faults = Mutex(Faults())

    init(_ rows: AppDatabase) {
        self.rows = rows
    }

    func fail(_ calls: Faults) { faults.withLock { $0 = calls } }

    private func check(_ call: Faults) throws {
        if faults.withLock({ $0.contains(call) }) { throw ConnectionLost() }
    }

    func recoverInterruptedSends(now: Date) throws -> Int {
        try check(.writes)
        return try rows.recoverInterruptedSends(now: now)
    }

    func supersedeStaleReminders(after: Date, upTo now: Date) throws -> (skipped: Int, nextDue: Date?) {
        try check(.writes)
        return try rows.supersedeStaleReminders(after: after, upTo: now)
    }

    func dueDeliveries(now: Date, limit: Int, excluding destinations: Set<String>) throws -> [PendingDelivery] {
        try rows.dueDeliveries(now: now, limit: limit, excluding: destinations)
    }

    func claim(
        _ due: [PendingDelivery], skipping skips: [(Delivery, Delivery.SkipReason)],
        recording records: [DeliveryRecord], now: Date
    ) throws -> (sending: [ClaimedDelivery], putOffUntil: Date?, woke: Bool, duplicates: [PendingDelivery]) {
        try check(.writes)
        return try rows.claim(due, skipping: skips, recording: records, now: now)
    }

    func record(_ records: [DeliveryRecord]) throws -> Int {
        try check(.writes)
        return try rows.record(records)
    }

    func nextDue(after now: Date) throws -> Date? {
        try rows.nextDue(after: now)
    }

    func createTestDelivery(subscriptionID: String, now: Date) throws -> ClaimedDelivery {
        try check(.writes)
        return try rows.createTestDelivery(subscriptionID: subscriptionID, now: now)
    }

    func concert(id: String) throws -> StoredConcert? {
        try check(.concertReads)
        return try rows.concert(id: id)
    }
}
