import Foundation

/// Verdicts arriving from any thread, taken all at once on the scheduler's queue.
final class VerdictInbox: @unchecked Sendable {
    /// A channel's verdict on one send, with what the queue does with it.
    struct Entry {
        var destination: String
        var verdict: Verdict
        var onVerdict: @Sendable (Verdict) -> Void
    }

    // @unchecked: `waiting` is only touched while holding `lock`.
    private let lock = NSLock()
    private var waiting: [Entry] = []

    /// Adds a verdict; returns whether the inbox was empty, i.e. whether the caller must schedule a take.
    func add(_ entry: Entry) -> Bool {
        lock.withLock {
            waiting.append(entry)
            return waiting.count == 1
        }
    }

    func takeAll() -> [Entry] {
        lock.withLock {
            defer { waiting.removeAll(keepingCapacity: true) }
            return waiting
        }
    }
}
