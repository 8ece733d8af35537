import ConcertCore
import ConcertProtocol
import Foundation

/// Subscriptions of large imports checked and waiting, chunk by chunk, for their one-transaction
/// commit (`subscribe.bulk.stage`, `subscribe.bulk.commit`). Nothing is stored in the database
/// before the commit; each batch waits in a `StagedImportFile`, so the daemon's memory does not
/// grow with the import. A batch left without a chunk or commit for `lifetime` is dropped.
final class BulkImportStaging: @unchecked Sendable {
    // @unchecked: `batches` (and their files) are only touched while holding `lock`, and a batch
    // taken for its commit belongs to that commit alone.
    private struct Batch {
        var file: StagedImportFile
        var touched: Date
    }

    private let lock = NSLock()
    private var batches: [String: Batch] = [:]
    /// Where the staging files are made (and at once unlinked): the state directory.
    let directory: String
    let lifetime: TimeInterval
    /// At most this many subscriptions wait in all batches together.
    let capacity: Int

    init(directory: String, lifetime: TimeInterval = 900, capacity: Int = 2_000_000) {
        self.directory = directory
        self.lifetime = lifetime
        self.capacity = capacity
    }

    /// Adds checked lines to `batch` (a new batch when `nil`); returns the batch and its size.
    func stage(_ records: [StagedImportFile.Record], batch: String?) throws(ControlError) -> (String, Int) {
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        batches = batches.filter { now.timeIntervalSince($0.value.touched) < lifetime }
        let waiting = batches.values.reduce(0) { $0 + $1.file.count }
        guard waiting + records.count <= capacity else {
            throw .unavailable("more than \(capacity) subscriptions are waiting to be imported; commit or wait")
        }
        let id = batch ?? "batch-" + RandomID.make(length: 12)
        guard batch == nil || batches[id] != nil else {
            throw .notFound(
                "no import batch '\(id)' (batches are dropped after \(Int(lifetime)) s idle)", field: "batch")
        }
        do {
            var entry = try batches[id] ?? Batch(file: StagedImportFile(directory: directory), touched: now)
            try entry.file.append(records)
            entry.touched = now
            batches[id] = entry
            return (id, entry.file.count)
        } catch {
            // A chunk half written leaves the batch unreadable: drop it, the client must start over.
            batches[id] = nil
            throw .unavailable("cannot stage the import in \(directory): \(error); the batch is dropped")
        }
    }

    /// Removes and returns a batch for its commit.
    func take(_ id: String) throws(ControlError) -> StagedImportFile {
        lock.lock()
        defer { lock.unlock() }
        guard let batch = batches.removeValue(forKey: id) else {
            throw .notFound("no import batch '\(id)'", field: "batch")
        }
        return batch.file
    }
}
