import ConcertCore
import ConcertProtocol
import ConcertShared
import Foundation
import Logging

extension DaemonControlHandler {
    static func registerSubscriptions(_ router: inout ControlRouter, _ daemon: Daemon) {
        router.register(ControlMethods.subscribe) { params, peer in
            let request = try SubscriptionRequest(params, daemon: daemon)
            let confirm = !params.quiet && daemon.resolved.configuration.confirmations
            let (subscription, _) = try store {
                try daemon.database.createSubscription(request.subscription, now: daemon.clock.now(), confirm: confirm)
            }
            daemon.scheduler.wake()
            daemon.logger.operatorAction(
                "subscribed", by: .peer(peer),
                [
                    "subscription.id": "\(subscription.id)", "cities": "\(subscription.cities.joined(separator: ","))",
                    "channel": "\(subscription.channel.channelKind)",
                ])
            let unplanned = try store { try daemon.database.unplannedReminders(subscriptionID: subscription.id) }
            return SubscribeResult(
                id: subscription.id, secret: request.generatedSecret, subscription: SubscriptionInfo(subscription),
                warnings: request.warnings
                    + unplanned.map {
                        "\($0.offset) reminder of \($0.concertID) (due \(KoreaTime.iso8601($0.due))) not planned: \($0.reason)"
                    })
        }
        router.register(ControlMethods.subscribeBulk) { params, peer in
            let mode = params.generatedSecrets ?? .reply
            guard mode != .stage else {
                throw ControlError.invalidParams(
                    "generated_secrets 'stage' applies to subscribe.bulk.stage; use 'reply' or 'refuse'",
                    field: "generated_secrets")
            }
            let checked = checkImportLines(
                params.lines[...], firstLine: 1, daemon: daemon, concerts: try? daemon.database.concerts())
            try BulkImportStaging.check(checked.accepted, mode: mode, generatedBefore: 0)
            var created: [BulkCreatedSubscription] = []
            var same = SameSubscriptionLines()
            let imported = try importChecked(daemon: daemon, peer: peer) { add in
                for record in checked.accepted {
                    guard let id = try same.refused(record.line, { try add(record.subscription, nil) }) else {
                        continue
                    }
                    created.append(BulkCreatedSubscription(line: record.line, id: id, secret: record.generatedSecret))
                }
            } before: { importer throws(ControlError) in
                // The request's lines at once: a store looks up what their checks need in one go.
                try store { try importer.prepare(toAdd: checked.accepted.map(\.subscription)) }
            }
            return SubscribeBulkResult(
                imported: imported, created: created,
                rejected: (checked.rejected + same.rejected).sorted { $0.line < $1.line },
                warnings: checked.warnings + same.warnings)
        }
        let staging = BulkImportStaging(directory: daemon.resolved.paths.stateDirectory) { taken in
            try daemon.database.reserveSubscriptionIDBlock(avoiding: taken)
        }
        router.register(ControlMethods.subscribeBulkStage) { params, _ in
            let mode = params.generatedSecrets ?? .reply
            let checked = checkImportLinesInTwoHalves(params.lines, firstLine: params.firstLine, daemon: daemon)
            let (batch, staged, secrets) = try staging.stage(checked.accepted, batch: params.batch, secrets: mode)
            return SubscribeBulkStageResult(
                batch: batch, staged: staged, rejected: checked.rejected, warnings: checked.warnings,
                secrets: mode == .stage ? secrets : nil)
        }
        router.register(ControlMethods.subscribeBulkCommit) { params, peer in
            let commit = try staging.take(params.batch)
            defer { staging.finish(params.batch) }
            // On a thread of its own: the handlers' queue stays free to answer
            // `subscribe.bulk.progress` and `status` during a commit that can take a minute.
            return try await onItsOwnThread { () throws(ControlError) in
                try commitStaged(commit, peer: peer, daemon: daemon)
            }
        }
        router.register(ControlMethods.subscribeBulkProgress) { params, _ in
            try staging.progress(params.batch)
        }
        router.register(ControlMethods.unsubscribe) { params, peer in
            try changeState(
                params.id, to: .removed, allowedFrom: [.active, .paused, .disabled], action: "unsubscribed",
                peer: peer, daemon: daemon)
        }
        router.register(ControlMethods.pause) { params, peer in
            try changeState(
                params.id, to: .paused, allowedFrom: [.active], action: "subscription paused", peer: peer,
                daemon: daemon)
        }
        router.register(ControlMethods.resume) { params, peer in
            try changeState(
                params.id, to: .active, allowedFrom: [.paused, .disabled], action: "subscription resumed",
                peer: peer, daemon: daemon)
        }
    }

    typealias CheckedLines = (
        accepted: [CheckedImportLine], rejected: [BulkRejectedLine], warnings: [String]
    )

    /// Stores a staged batch in one transaction, with the ids its chunks were given. Lists only
    /// the lines whose secret was generated, and only when the batch asked for them in this
    /// reply (``GeneratedSecrets/reply``, at most ``BulkImportLimits/secretsInOneReply``): a reply
    /// naming each of a million subscriptions would take a gigabyte to build. A line that repeats a
    /// subscription made since it was staged, or no longer passes the checks of the catalog and
    /// configuration in force (``stagedLineProblem(_:catalog:configuration:)``), is left out and
    /// named in `rejected`; the secret a stage handed out for it belongs to no subscription.
    private static func commitStaged(
        _ commit: BulkImportStaging.Commit, peer: PeerCredentials, daemon: Daemon
    ) throws(ControlError) -> SubscribeBulkResult {
        var created: [BulkCreatedSubscription] = []
        var same = SameSubscriptionLines()
        var written = 0
        let catalog = daemon.catalog
        let configuration = daemon.resolved.configuration
        let imported = try importChecked(daemon: daemon, peer: peer) { add in
            try commit.file.readRecords { record in
                written += 1
                if written % 1024 == 0 { commit.progress.set(written) }
                if let problem = stagedLineProblem(record.subscription, catalog: catalog, configuration: configuration)
                {
                    same.reject(record.line, reason: problem)
                    return
                }
                guard let id = try same.refused(record.line, { try add(record.subscription, record.id) }) else {
                    return
                }
                if commit.secrets == .reply, let secret = record.generatedSecret {
                    created.append(BulkCreatedSubscription(line: record.line, id: id, secret: secret))
                }
            }
        } before: { importer throws(ControlError) in
            guard try store({ try importer.isFree(commit.ids) }) else {
                throw .conflict(
                    "a subscription made since the import was staged took one of the ids its chunks were given; nothing was imported: import the file again"
                )
            }
        }
        commit.progress.set(written)
        return SubscribeBulkResult(
            imported: imported, created: created, rejected: same.rejected, warnings: same.warnings)
    }

    /// Runs `body` on a thread of its own and waits for it without holding the handlers' queue.
    static func onItsOwnThread<T: Sendable>(
        _ body: @escaping @Sendable () throws(ControlError) -> T
    ) async throws(ControlError) -> T {
        let result: Result<T, ControlError> = await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: Result { () throws(ControlError) in try body() }) }.start()
        }
        return try result.get()
    }

    /// Checks a chunk of a large import as two halves at once, one on a thread of its own: the
    /// handlers' queue is serial, and checking lines costs as much of the daemon's time as
    /// storing them, which would leave the second core idle. The thread ends with its half (no pool is kept
    /// that could wake an idle daemon).
    private static func checkImportLinesInTwoHalves(_ lines: [String], firstLine: Int, daemon: Daemon) -> CheckedLines {
        let concerts = try? daemon.database.concerts()
        guard lines.count >= 64 else {
            return checkImportLines(lines[...], firstLine: firstLine, daemon: daemon, concerts: concerts)
        }
        final class Half: @unchecked Sendable {
            // @unchecked: written by the thread before it signals `done`, read after the wait.
            var checked: CheckedLines = ([], [], [])
            let done = DispatchSemaphore(value: 0)
        }
        let split = lines.count / 2
        let second = Half()
        let secondLines = lines[split...]
        Thread {
            second.checked = checkImportLines(
                secondLines, firstLine: firstLine + split, daemon: daemon, concerts: concerts)
            second.done.signal()
        }.start()
        var checked = checkImportLines(lines[..<split], firstLine: firstLine, daemon: daemon, concerts: concerts)
        second.done.wait()
        checked.accepted += second.checked.accepted
        checked.rejected += second.checked.rejected
        checked.warnings += second.checked.warnings
        return checked
    }

    /// Checks the lines of an import file; `firstLine` is the file's number of `lines[0]`.
    /// `concerts` are the stored concerts, read (and decoded) once for all the lines.
    private static func checkImportLines(
        _ lines: ArraySlice<String>, firstLine: Int, daemon: Daemon, concerts: [StoredConcert]?
    ) -> CheckedLines {
        var accepted: [CheckedImportLine] = []
        var rejected: [BulkRejectedLine] = []
        var warnings: [String] = []
        let decoder = JSONDecoder()
        let offsetLists = OffsetListMemo()
        for (index, line) in zip(lines.indices, lines) {
            let number = firstLine + index - lines.startIndex
            // Blank lines are skipped. Not `trimmingCharacters(in:)`: on Linux it goes through
            // NSString and copied every line, as much time as decoding it.
            guard !line.unicodeScalars.allSatisfy(\.isWhitespaceMember) else { continue }
            do {
                let item = try decoder.decode(SubscribeParams.self, from: Data(line.utf8))
                let request = try SubscriptionRequest(
                    item, daemon: daemon, concerts: concerts, offsetLists: offsetLists)
                accepted.append(
                    .init(line: number, subscription: request.subscription, generatedSecret: request.generatedSecret))
                warnings += request.warnings.map { "line \(number): \($0)" }
            } catch let error as ControlError {
                rejected.append(BulkRejectedLine(line: number, reason: error.message))
            } catch {
                rejected.append(BulkRejectedLine(line: number, reason: SubscribeParams.importLineProblem(error)))
            }
        }
        return (accepted, rejected, warnings)
    }

    /// Imports checked lines in one transaction, without confirmation messages: `body` hands
    /// each subscription to `add` with the id it was given (or `nil` for a new one), which
    /// returns its id; `before` may refuse first. Returns how many were imported.
    private static func importChecked(
        daemon: Daemon, peer: PeerCredentials,
        _ body: (_ add: (NewSubscription, String?) throws -> String) throws -> Void,
        before: (any SubscriptionImporting) throws(ControlError) -> Void = { _ in }
    ) throws(ControlError) -> Int {
        let started = ContinuousClock.now
        let imported = try store {
            try daemon.database.importSubscriptions(now: daemon.clock.now()) { importer in
                try before(importer)
                try body { try importer.add($0, id: $1) }
            }
        }
        daemon.scheduler.wake()
        // How long the transaction held the database: nothing else is written meanwhile.
        let seconds = (ContinuousClock.now - started) / .milliseconds(1) / 1000
        daemon.logger.operatorAction(
            "subscriptions imported", by: .peer(peer), ["count": "\(imported)", "seconds": "\(seconds)"])
        return imported
    }

    private static func changeState(
        _ id: String, to state: Subscription.State, allowedFrom: Set<Subscription.State>, action: Logger.Message,
        peer: PeerCredentials, daemon: Daemon
    ) throws(ControlError) -> SubscriptionChangeResult {
        let current = try existingSubscription(id, daemon: daemon)
        guard allowedFrom.contains(current.state) else {
            throw .conflict("subscription '\(id)' is \(current.state.rawValue)", field: "id")
        }
        let before = try store { try daemon.database.counters() }
        let reason: String? = state == .paused ? "paused with concertctl" : nil
        let changed = try store {
            try daemon.database.setSubscriptionState(id: id, to: state, reason: reason, now: daemon.clock.now())
        }
        let after = try store { try daemon.database.counters() }
        daemon.scheduler.wake()
        let result = SubscriptionChangeResult(
            subscription: SubscriptionInfo(changed),
            skipped: max(0, after["delivery.skipped", default: 0] - before["delivery.skipped", default: 0]),
            scheduled: max(0, after["delivery.scheduled", default: 0] - before["delivery.scheduled", default: 0]))
        daemon.logger.operatorAction(
            action, by: .peer(peer),
            ["subscription.id": "\(id)", "skipped": "\(result.skipped)", "scheduled": "\(result.scheduled)"])
        return result
    }

    /// The subscription `id`: `not_found` when there never was one, `conflict` when it was removed
    /// (its history is kept, and `deliveries` still lists it).
    static func existingSubscription(_ id: String, daemon: Daemon) throws(ControlError) -> Subscription {
        guard let subscription = try store({ try daemon.database.subscription(id: id) }) else {
            throw .notFound("no subscription with id '\(id)'", field: "id")
        }
        guard subscription.state != .removed else {
            let when = try store { try daemon.database.subscriptionChangedAt(id: id) }
            throw .conflict(
                "subscription '\(id)' was removed"
                    + (when.map {
                        " on \(KoreaTime.iso8601($0).prefix(16).replacingOccurrences(of: "T", with: " ")) (Korea time)"
                    } ?? "")
                    + "; its deliveries are still listed by `deliveries --subscription \(id)`",
                field: "id")
        }
        return subscription
    }
}
