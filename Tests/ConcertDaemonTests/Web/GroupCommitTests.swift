import ConcertCore
import ConcertWeb
import Foundation
import GRDB
import NIOPosix
import Synchronization
import Testing

@testable import ConcertDaemon

/// One-click unsubscribes that arrive together share one commit; each is still answered with its
/// own outcome, only after the commit that holds it, and one that fails leaves the others alone.
@Suite(.serialized, .timeLimit(.minutes(2))) struct GroupCommitTests {
    /// A commit that records each batch and, for the first one, waits until the test lets it go.
    final class Recorder: Sendable {
        let batches = Mutex<[[Int]]>([])
        let committed = Mutex(0)
        let gate = DispatchSemaphore(value: 0)
        let holdFirst: Bool

        init(holdFirst: Bool) { self.holdFirst = holdFirst }

        func commit(_ items: [Int]) throws -> [Result<String, any Error>] {
            let first = batches.withLock { batches in
                batches.append(items)
                return batches.count == 1
            }
            if first && holdFirst { gate.wait() }
            if items.contains(-1) { throw Refused(item: -1) }
            committed.withLock { $0 += items.count }
            return items.map { $0 == 13 ? .failure(Refused(item: 13)) : .success("item \($0)") }
        }
    }

    struct Refused: Error, Equatable {
        var item: Int
    }

    static func group(_ recorder: Recorder) -> GroupCommit<Int, String> {
        GroupCommit(
            run: { work in DispatchQueue.global().async { work(true) } },
            commit: { try recorder.commit($0) })
    }

    @Test func requestsArrivingDuringACommitJoinTheNextOneAndEachGetsItsOwnOutcome() async throws {
        let recorder = Recorder(holdFirst: true)
        let group = Self.group(recorder)
        let first = Task { try await group.submit(1) }
        while recorder.batches.withLock({ $0.count }) == 0 { await Task.yield() }
        let later = (2...9).map { item in Task { (item, try await group.submit(item)) } }
        while group.queuedCount < 8 { await Task.yield() }
        #expect(recorder.committed.withLock { $0 } == 0)
        recorder.gate.signal()
        #expect(try await first.value == "item 1")
        for task in later {
            let (item, outcome) = try await task.value
            #expect(outcome == "item \(item)")
        }
        let batches = recorder.batches.withLock { $0 }
        #expect(batches.count == 2, "\(batches)")
        #expect(batches.first == [1])
        #expect(Set(batches.last ?? []) == Set(2...9))
    }

    @Test func oneFailingItemFailsOnlyItsOwnRequest() async throws {
        let recorder = Recorder(holdFirst: true)
        let group = Self.group(recorder)
        let first = Task { try await group.submit(1) }
        while recorder.batches.withLock({ $0.count }) == 0 { await Task.yield() }
        let items = [12, 13, 14]
        let tasks = items.map { item in Task { try await group.submit(item) } }
        while group.queuedCount < items.count { await Task.yield() }
        recorder.gate.signal()
        _ = try await first.value
        #expect(try await tasks[0].value == "item 12")
        await #expect(throws: Refused(item: 13)) { try await tasks[1].value }
        #expect(try await tasks[2].value == "item 14")
        #expect(recorder.batches.withLock { $0.last }.map { Set($0) } == Set(items))
    }

    @Test func aFailedTransactionFailsItsBatchAndTheNextCommitsAsUsual() async throws {
        let recorder = Recorder(holdFirst: false)
        let group = Self.group(recorder)
        await #expect(throws: Refused(item: -1)) { try await group.submit(-1) }
        #expect(try await group.submit(5) == "item 5")
    }

    @Test func noRequestIsAnsweredBeforeItsCommitReturned() async throws {
        let recorder = Recorder(holdFirst: true)
        let group = Self.group(recorder)
        let answered = Mutex(false)
        let task = Task {
            let outcome = try await group.submit(7)
            answered.withLock { $0 = true }
            return outcome
        }
        while recorder.batches.withLock({ $0.count }) == 0 { await Task.yield() }
        for _ in 0..<100 { await Task.yield() }
        #expect(!answered.withLock { $0 })
        recorder.gate.signal()
        #expect(try await task.value == "item 7")
        #expect(recorder.committed.withLock { $0 } == 1)
    }

    @Test func aStoppedPoolFailsTheWaitingRequestsWithoutWriting() async throws {
        let recorder = Recorder(holdFirst: false)
        let group = GroupCommit<Int, String>(
            run: { work in work(false) }, commit: { try recorder.commit($0) })
        await #expect(throws: GroupCommitError.self) { try await group.submit(1) }
        #expect(recorder.batches.withLock { $0.isEmpty })
    }
}

/// The SQLite batch behind the group commit: one transaction, each id its own outcome.
@Suite(.serialized, .timeLimit(.minutes(2))) struct WebRemovalBatchTests {
    @Test func eachIdOfABatchIsRemovedOnceAndAFailingOneLeavesTheOthersRemoved() throws {
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        let now = daemon.daemon.clock.now()
        var ids: [String] = []
        for (index, language) in [Language.ko, .en, .en].enumerated() {
            let (made, _) = try daemon.sqlite.createSubscription(
                NewSubscription(channel: .email("reader\(index)@example.org"), cities: ["busan"], language: language),
                now: now, confirm: false)
            ids.append(made.id)
        }
        // The second subscription's removal fails inside the transaction.
        try daemon.sqlite.writer.write { db in
            try db.execute(
                sql: """
                    CREATE TEMP TRIGGER refuse_one BEFORE UPDATE OF state ON subscription
                    WHEN NEW.id = '\(ids[1])' BEGIN SELECT RAISE(ABORT, 'refused for the test'); END
                    """)
        }
        let outcomes = try daemon.sqlite.removeSubscriptions(
            ids: [ids[0], ids[1], ids[2], ids[0], "sub-unknown"], reason: "unsubscribed on the web", now: now)
        #expect(outcomes.count == 5)
        #expect(try outcomes[0].get() == .removed(language: .ko))
        #expect(throws: (any Error).self) { try outcomes[1].get() }
        #expect(try outcomes[2].get() == .removed(language: .en))
        #expect(try outcomes[3].get() == .alreadyRemoved(language: .ko))
        #expect(try outcomes[4].get() == .notFound)
        // Committed: another connection on the same file sees it.
        let other = try DatabaseQueue(path: daemon.daemon.resolved.paths.databasePath)
        let states = try other.read { db in
            try Dictionary(
                uniqueKeysWithValues: Row.fetchAll(db, sql: "SELECT id, state FROM subscription").map {
                    (row: Row) -> (String, String) in (row[0], row[1])
                })
        }
        #expect(states[ids[0]] == "removed")
        #expect(states[ids[1]] == "active")
        #expect(states[ids[2]] == "removed")
        let pending = try other.read { db in
            try Int.fetchOne(
                db,
                sql: """
                    SELECT COUNT(*) FROM delivery WHERE subscription_id IN (?, ?)
                    AND state IN ('scheduled', 'retrying')
                    """, arguments: [ids[0], ids[2]])
        }
        #expect(pending == 0, "the removed subscriptions' reminders are skipped")
    }

    /// Through the daemon's web store: concurrent unsubscribes each get their own answer, and the
    /// scheduler is woken at most once for each commit that removed any.
    @Test func concurrentWebUnsubscribesAreEachAnsweredWithTheirOwnOutcome() async throws {
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        let wakes = Mutex(0)
        let blocking = NIOThreadPool(numberOfThreads: 4)
        blocking.start()
        defer { blocking.shutdownGracefully { _ in } }
        let store = DaemonWebStore(
            store: daemon.sqlite, catalog: { [daemon] in daemon.daemon.catalog }, confirmations: true, mail: nil,
            logger: .quiet, wake: { wakes.withLock { $0 += 1 } }, blocking: blocking)
        let now = daemon.daemon.clock.now()
        var references: [WebReference] = []
        for index in 0..<40 {
            let (made, _) = try daemon.sqlite.createSubscription(
                NewSubscription(channel: .email("r\(index)@example.org"), cities: ["busan"]), now: now,
                confirm: false)
            references.append(try #require(WebReference(id: made.id)))
        }
        let unknown = try #require(WebReference(id: "sub-zzzzzzzzzz"))
        let outcomes = try await withThrowingTaskGroup(of: (Int, UnsubscribeOutcome).self) { group in
            for (index, reference) in (references + [unknown, references[0]]).enumerated() {
                group.addTask { (index, try await store.unsubscribe(reference, now: now)) }
            }
            var outcomes: [Int: UnsubscribeOutcome] = [:]
            for try await (index, outcome) in group { outcomes[index] = outcome }
            return outcomes
        }
        #expect((0..<40).allSatisfy { [.unsubscribed, .alreadyUnsubscribed].contains(outcomes[$0]) })
        #expect(outcomes[40] == .notFound)
        let firstTwice = [outcomes[0], outcomes[41]]
        #expect(firstTwice.filter { $0 == .unsubscribed }.count == 1, "\(firstTwice)")
        #expect(firstTwice.filter { $0 == .alreadyUnsubscribed }.count == 1, "\(firstTwice)")
        #expect((1..<40).allSatisfy { outcomes[$0] == .unsubscribed })
        let removed = try await daemon.sqlite.writer.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM subscription WHERE state = 'removed'")
        }
        #expect(removed == 40)
        let woken = wakes.withLock { $0 }
        #expect(woken >= 1 && woken <= 40, "\(woken)")
    }
}
