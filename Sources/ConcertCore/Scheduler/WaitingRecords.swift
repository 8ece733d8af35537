import Foundation

/// The verdict records not yet written, and whether a pass of the claim loop is queued to write
/// them: the next claim writes them in its transaction, or they are written on their own when
/// nothing is claimed. They stay here while the outbox cannot be written. Confined to the
/// scheduler's queue.
struct WaitingRecords {
    private(set) var records: [DeliveryRecord] = []
    /// Set while a pass of the claim loop is queued for these records.
    private var passQueued = false

    var isEmpty: Bool { records.isEmpty }
    var count: Int { records.count }

    /// Adds a verdict's record; returns whether the caller must queue a pass to write it (none is
    /// queued yet): the verdicts of one round are written together.
    mutating func add(_ record: DeliveryRecord) -> Bool {
        records.append(record)
        defer { passQueued = true }
        return !passQueued
    }

    /// Adds a record that the caller's own pass writes at once (a test message's, whose reply waits).
    mutating func addForThisPass(_ record: DeliveryRecord) {
        records.append(record)
    }

    /// The queued pass runs: returns whether it has records to write.
    mutating func passRuns() -> Bool {
        passQueued = false
        return !records.isEmpty
    }

    /// When the records' retries fall due: rows the catch-up's bounds must not pass over.
    var retryTimes: [Date] {
        records.compactMap { $0.newState == .retrying ? $0.nextAttempt : nil }
    }

    /// The records were written, or dropped at stop.
    mutating func removeAll() {
        records.removeAll()
    }
}
