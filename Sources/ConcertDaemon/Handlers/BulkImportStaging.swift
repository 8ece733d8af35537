import ConcertCore
import ConcertProtocol
import Foundation

/// Subscriptions of large imports checked and waiting, chunk by chunk, for their one-transaction
/// commit (`subscribe.bulk.stage`, `subscribe.bulk.commit`). Nothing is stored before the commit;
/// a batch left without a chunk or commit for `lifetime` is dropped.
final class BulkImportStaging: @unchecked Sendable {
    // @unchecked: `batches` is only touched while holding `lock`.
    struct Line {
        var number: Int
        var request: SubscriptionRequest
    }

    private struct Batch {
        var lines: [Line] = []
        var touched: Date
    }

    private let lock = NSLock()
    private var batches: [String: Batch] = [:]
    let lifetime: TimeInterval
    /// At most this many subscriptions wait in all batches together.
    let capacity: Int

    init(lifetime: TimeInterval = 900, capacity: Int = 2_000_000) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    /// Adds checked lines to `batch` (a new batch when `nil`); returns the batch and its size.
    func stage(_ lines: [Line], batch: String?) throws(ControlError) -> (String, Int) {
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        batches = batches.filter { now.timeIntervalSince($0.value.touched) < lifetime }
        let waiting = batches.values.reduce(0) { $0 + $1.lines.count }
        guard waiting + lines.count <= capacity else {
            throw .unavailable("more than \(capacity) subscriptions are waiting to be imported; commit or wait")
        }
        let id = batch ?? "batch-" + RandomID.make(length: 12)
        guard batch == nil || batches[id] != nil else {
            throw .notFound(
                "no import batch '\(id)' (batches are dropped after \(Int(lifetime)) s idle)", field: "batch")
        }
        var entry = batches[id] ?? Batch(touched: now)
        entry.lines += lines
        entry.touched = now
        batches[id] = entry
        return (id, entry.lines.count)
    }

    /// Removes and returns a batch for its commit.
    func take(_ id: String) throws(ControlError) -> [Line] {
        lock.lock()
        defer { lock.unlock() }
        guard let batch = batches.removeValue(forKey: id) else {
            throw .notFound("no import batch '\(id)'", field: "batch")
        }
        return batch.lines
    }
}
