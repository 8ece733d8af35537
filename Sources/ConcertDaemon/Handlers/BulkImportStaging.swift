import ConcertCore
import ConcertProtocol
import Foundation

/// Subscriptions of large imports checked and waiting, chunk by chunk, for their one-transaction
/// commit (`subscribe.bulk.stage`, `subscribe.bulk.commit`). Nothing is stored in the database
/// before the commit; each batch waits in a `StagedImportFile`, so the daemon's memory does not
/// grow with the import. A batch left without a chunk or commit for `lifetime` is dropped.
///
/// Each staged line gets the id its subscription will have (from the batch's
/// ``SubscriptionIDBlock``), so that a chunk's reply can hand over its generated signing
/// secrets with their ids (``GeneratedSecrets/stage``) and no reply has to hold them all.
final class BulkImportStaging: @unchecked Sendable {
    // @unchecked: `batches`, `committing` (and the batches' files) are only touched while holding
    // `lock`, and a batch taken for its commit belongs to that commit alone.
    private struct Batch {
        var file: StagedImportFile
        var touched: Date
        var secrets: GeneratedSecrets
        var ids: SubscriptionIDBlock
    }

    /// A batch taken for its commit: what the commit needs, and how far it has come.
    ///
    /// @unchecked: the file belongs to the one commit that took it, on whichever thread runs it.
    struct Commit: @unchecked Sendable {
        var file: StagedImportFile
        var secrets: GeneratedSecrets
        var ids: SubscriptionIDBlock
        var progress: CommitProgress
    }

    /// How many subscriptions a commit has written: read by `subscribe.bulk.progress` while the
    /// commit's thread writes it.
    final class CommitProgress: @unchecked Sendable {
        // @unchecked: `count` is only touched while holding `lock`.
        private let lock = NSLock()
        private var count = 0
        let staged: Int

        init(staged: Int) {
            self.staged = staged
        }

        var imported: Int { lock.withLock { count } }

        func set(_ imported: Int) { lock.withLock { count = imported } }
    }

    private let lock = NSLock()
    private var batches: [String: Batch] = [:]
    private var committing: [String: CommitProgress] = [:]
    /// Where the staging files are made (and at once unlinked): the state directory.
    let directory: String
    let lifetime: TimeInterval
    /// At most this many subscriptions wait in all batches together.
    let capacity: Int
    /// A block of ids no stored subscription has, avoiding the given prefixes (other batches').
    private let reserveIDs: @Sendable (Set<String>) throws -> SubscriptionIDBlock

    init(
        directory: String, lifetime: TimeInterval = 900, capacity: Int = 2_000_000,
        reserveIDs: @escaping @Sendable (Set<String>) throws -> SubscriptionIDBlock
    ) {
        self.directory = directory
        self.lifetime = lifetime
        self.capacity = capacity
        self.reserveIDs = reserveIDs
    }

    /// Adds checked lines to `batch` (a new batch when `nil`); returns the batch, its size and,
    /// for a batch in ``GeneratedSecrets/stage`` mode, the lines given a generated secret.
    func stage(_ lines: [CheckedImportLine], batch: String?, secrets mode: GeneratedSecrets) throws(ControlError)
        -> (batch: String, staged: Int, secrets: [BulkCreatedSubscription])
    {
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        batches = batches.filter { now.timeIntervalSince($0.value.touched) < lifetime }
        let waiting = batches.values.reduce(0) { $0 + $1.file.count }
        guard waiting + lines.count <= capacity else {
            throw .unavailable("more than \(capacity) subscriptions are waiting to be imported; commit or wait")
        }
        let id = batch ?? "batch-" + RandomID.make(length: 12)
        guard batch == nil || batches[id] != nil else {
            throw .notFound(
                "no import batch '\(id)' (batches are dropped after \(Int(lifetime)) s idle)", field: "batch")
        }
        if let existing = batches[id], existing.secrets != mode {
            throw .invalidParams(
                "batch '\(id)' was staged with generated_secrets '\(existing.secrets.rawValue)'; every chunk must name the same",
                field: "generated_secrets")
        }
        do {
            try Self.check(lines, mode: mode, generatedBefore: batches[id]?.file.generatedSecrets ?? 0)
        } catch {
            batches[id] = nil
            throw error
        }
        var entry: Batch
        if let existing = batches[id] {
            entry = existing
        } else {
            do {
                let taken = Set(batches.values.map(\.ids.prefix))
                entry = Batch(
                    file: try StagedImportFile(directory: directory), touched: now, secrets: mode,
                    ids: try reserveIDs(taken))
            } catch {
                throw .unavailable("cannot stage the import in \(directory): \(error)")
            }
        }
        var records: [StagedImportFile.Record] = []
        records.reserveCapacity(lines.count)
        var handedOver: [BulkCreatedSubscription] = []
        for line in lines {
            guard let subscriptionID = entry.ids.next() else {
                batches[id] = nil
                throw .invalidInput(
                    "an import batch holds at most \(SubscriptionIDBlock.capacity) subscriptions; the batch is dropped")
            }
            records.append(
                .init(
                    line: line.line, id: subscriptionID, subscription: line.subscription,
                    generatedSecret: line.generatedSecret))
            if mode == .stage, let secret = line.generatedSecret {
                handedOver.append(BulkCreatedSubscription(line: line.line, id: subscriptionID, secret: secret))
            }
        }
        do {
            try entry.file.append(records)
            entry.touched = now
            batches[id] = entry
            return (id, entry.file.count, handedOver)
        } catch {
            // A chunk half written leaves the batch unreadable: drop it, the client must start over.
            batches[id] = nil
            throw .unavailable("cannot stage the import in \(directory): \(error); the batch is dropped")
        }
    }

    /// Refuses lines whose generated secrets `mode` has no room for.
    static func check(_ lines: [CheckedImportLine], mode: GeneratedSecrets, generatedBefore: Int) throws(ControlError) {
        switch mode {
        case .stage:
            return
        case .refuse:
            if let line = lines.first(where: { $0.generatedSecret != nil }) {
                throw Self.nowhereForSecrets(line: line.line)
            }
        case .reply:
            let generated = generatedBefore + lines.count { $0.generatedSecret != nil }
            guard generated <= BulkImportLimits.secretsInOneReply else {
                throw .invalidInput(
                    "more than \(BulkImportLimits.secretsInOneReply) lines of this import get a generated signing secret, too many for one reply: give each line its \"secret\", or ask for them with each chunk (generated_secrets \"stage\"; concertctl does with --secrets-file); the batch is dropped",
                    field: "generated_secrets")
            }
        }
    }

    /// The refusal of ``GeneratedSecrets/refuse``.
    static func nowhereForSecrets(line: Int) -> ControlError {
        .invalidInput(
            "line \(line): a generic webhook given no \"secret\" gets a generated signing secret, shown only once, and this import has nowhere to put it: give the line its \"secret\", or import with concertctl's --secrets-file FILE; nothing was imported",
            field: "generated_secrets")
    }

    /// Removes a batch for its commit; `subscribe.bulk.progress` follows it until ``finish(_:)``.
    func take(_ id: String) throws(ControlError) -> Commit {
        lock.lock()
        defer { lock.unlock() }
        guard let batch = batches.removeValue(forKey: id) else {
            throw .notFound("no import batch '\(id)'", field: "batch")
        }
        let progress = CommitProgress(staged: batch.file.count)
        committing[id] = progress
        return Commit(file: batch.file, secrets: batch.secrets, ids: batch.ids, progress: progress)
    }

    /// Ends the commit of `id`, stored or not.
    func finish(_ id: String) {
        lock.withLock { committing[id] = nil }
    }

    /// How far batch `id` has come.
    func progress(_ id: String) throws(ControlError) -> SubscribeBulkProgressResult {
        lock.lock()
        defer { lock.unlock() }
        if let commit = committing[id] {
            return .init(batch: id, state: .committing, staged: commit.staged, imported: commit.imported)
        }
        guard let batch = batches[id], Date().timeIntervalSince(batch.touched) < lifetime else {
            throw .notFound("no import batch '\(id)' being staged or committed", field: "batch")
        }
        return .init(batch: id, state: .staged, staged: batch.file.count, imported: 0)
    }
}

/// A line of an import file checked and accepted, not yet staged or stored.
struct CheckedImportLine {
    var line: Int
    var subscription: NewSubscription
    /// The signing secret the daemon generated for it, to be handed over once.
    var generatedSecret: String?
}
