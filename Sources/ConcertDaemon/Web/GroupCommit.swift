import Synchronization

/// Writes that arrive while a commit runs join the next one: one transaction for many requests.
///
/// `submit` queues an item and waits for its own outcome; the first item to find no commit running
/// starts one on `run` (a thread that may block), which takes every item queued, commits them with
/// `commit`, answers each, and takes the items that arrived meanwhile, until none is left. An item
/// is answered only after the commit that holds it returned, so a request answered is durable as
/// far as the store's commit is. `commit` gives one outcome per item, in order; when it throws
/// (the transaction failed), every item of that batch gets the error.
final class GroupCommit<Item: Sendable, Outcome: Sendable>: Sendable {
    typealias Commit = @Sendable ([Item]) throws -> [Result<Outcome, any Error>]
    /// Runs `work` on a thread that may block, or calls it with `false` when it cannot (shutting down).
    typealias Runner = @Sendable (_ work: @escaping @Sendable (_ active: Bool) -> Void) -> Void

    private struct Waiting {
        var item: Item
        var continuation: CheckedContinuation<Outcome, any Error>
    }

    private struct State {
        var queued: [Waiting] = []
        var committing = false
    }

    /// The items one transaction takes at most; more wait for the next.
    let maxBatch: Int
    private let commit: Commit
    private let run: Runner
    private let state = Mutex(State())

    init(maxBatch: Int = 256, run: @escaping Runner, commit: @escaping Commit) {
        precondition(maxBatch > 0)
        self.maxBatch = maxBatch
        self.run = run
        self.commit = commit
    }

    /// The items waiting for a commit to take them.
    var queuedCount: Int { state.withLock { $0.queued.count } }

    /// Commits `item` with the others waiting and returns its own outcome.
    func submit(_ item: Item) async throws -> Outcome {
        try await withCheckedThrowingContinuation { continuation in
            let start = state.withLock { state in
                state.queued.append(Waiting(item: item, continuation: continuation))
                guard !state.committing else { return false }
                state.committing = true
                return true
            }
            if start {
                run { [self] active in active ? drain() : failQueued(GroupCommitError.stopping) }
            }
        }
    }

    /// Commits batches until none is queued.
    private func drain() {
        while let batch = next() {
            let outcomes: [Result<Outcome, any Error>]
            do {
                outcomes = try commit(batch.map(\.item))
            } catch {
                outcomes = Array(repeating: .failure(error), count: batch.count)
            }
            for (index, waiting) in batch.enumerated() {
                waiting.continuation.resume(
                    with: index < outcomes.count ? outcomes[index] : .failure(GroupCommitError.noOutcome))
            }
        }
    }

    /// The next batch, or nil (and no commit running) when nothing is queued.
    private func next() -> [Waiting]? {
        state.withLock { state in
            guard !state.queued.isEmpty else {
                state.committing = false
                return nil
            }
            let count = min(maxBatch, state.queued.count)
            let batch = Array(state.queued.prefix(count))
            state.queued.removeFirst(count)
            return batch
        }
    }

    private func failQueued(_ error: any Error) {
        let queued = state.withLock { state in
            let queued = state.queued
            state.queued = []
            state.committing = false
            return queued
        }
        for waiting in queued { waiting.continuation.resume(throwing: error) }
    }
}

enum GroupCommitError: Error, CustomStringConvertible {
    /// The threads that commit are gone (the front door is stopping): nothing was written.
    case stopping
    /// The commit answered fewer outcomes than it was given items.
    case noOutcome

    var description: String {
        switch self {
        case .stopping: "the store's writer is stopping"
        case .noOutcome: "the commit gave no outcome for this item"
        }
    }
}
