import ConcertCore
import Foundation
import GRDB
import Testing

/// Faults of the database under the scheduler, injected on real SQLite files: a writer holding
/// the lock, a read-only connection, a full database, a full filesystem, a table gone. Verdicts
/// are kept and recorded once the fault clears, nothing is sent twice, the timer stays armed, and
/// `status` shows the fault meanwhile.
@Suite(.timeLimit(.minutes(1))) struct SchedulerStoreFaultTests {
    /// A second connection to the database file, as another process would have.
    final class OtherConnection {
        let queue: DatabaseQueue

        init(path: String) throws {
            var configuration = Configuration()
            configuration.allowsUnsafeTransactions = true
            configuration.busyMode = .timeout(1)
            queue = try DatabaseQueue(path: path, configuration: configuration)
        }

        func execute(_ sql: String) throws {
            try queue.writeWithoutTransaction { try $0.execute(sql: sql) }
        }
    }

    /// Subscribes `count` webhooks of distinct hosts with a 7d reminder, starts, and lets their
    /// reminders fall due; the channel holds every send until released.
    func sendsInFlight(
        _ count: Int, directory: String = Fixtures.temporaryDirectory()
    ) throws -> (harness: SchedulerHarness, path: String, subscriptions: [Subscription]) {
        let (h, path) = try SchedulerHarness.onFile(
            now: "2019-10-22T13:00", directory: directory, webhook: RecordingChannel(.hang))
        let subscriptions = try (0..<count).map {
            try h.subscribe(["daegu"], webhook: "https://h\($0).example.org/x", before: "7d")
        }
        try h.scheduler.start()
        h.advance(to: "2019-10-22T14:00")
        #expect(h.webhook.hangingCount == count)
        return (h, path, subscriptions)
    }

    /// The fault is shown and the timer armed for the next try, which is not before `retryAt`.
    func expectFaultShown(_ h: SchedulerHarness, containing text: String) throws {
        let fault = try #require(h.scheduler.status().storeFault)
        #expect(fault.message.contains(text), "\(fault.message)")
        #expect(h.timer.armedFor == fault.retryAt, "the timer stays armed for the next try")
    }

    @Test func resultsArrivingWhileAnotherConnectionHoldsTheWriteLockAreRecordedOnceItLetsGo() throws {
        let (h, path, subscriptions) = try sendsInFlight(1)
        let later = try h.subscribe(["daegu"], webhook: "https://later.example.org/x", before: "167h")
        let other = try OtherConnection(path: path)
        try other.execute("BEGIN IMMEDIATE")
        h.webhook.release(.sent(detail: "HTTP 204"))
        h.settle()
        try expectFaultShown(h, containing: "database is locked")
        #expect(try h.states(subscriptions[0]) == ["reminder:7d sending"])
        // A reminder falls due meanwhile: it cannot be claimed, so it is not sent.
        h.webhook.setFallback(.succeed)
        h.advance(to: "2019-10-22T15:00")
        #expect(h.webhook.messages.count == 1)
        #expect((h.scheduler.status().storeFault?.failures ?? 0) >= 2)
        try expectFaultShown(h, containing: "database is locked")

        try other.execute("ROLLBACK")
        h.advance(to: "2019-10-22T15:01")
        #expect(h.scheduler.status().storeFault == nil)
        #expect(try h.states(subscriptions[0]) == ["reminder:7d sent"])
        #expect(try h.states(later) == ["reminder:167h sent"])
        #expect(h.webhook.kinds == ["reminder:7d", "reminder:167h"], "each sent once")
        #expect(try h.database.counters()["delivery.sending"] ?? 0 == 0)
    }

    @Test func resultsArrivingWhileTheDatabaseIsReadOnlyAreRecordedOnceItIsWritable() throws {
        let (h, _, subscriptions) = try sendsInFlight(3)
        try h.database.writer.writeWithoutTransaction { try $0.execute(sql: "PRAGMA query_only = 1") }
        h.webhook.release(.sent(detail: "HTTP 204"))
        h.settle()
        try expectFaultShown(h, containing: "readonly")
        h.advance(to: "2019-10-22T14:00:30")
        try expectFaultShown(h, containing: "readonly")
        for subscription in subscriptions { #expect(try h.states(subscription) == ["reminder:7d sending"]) }

        try h.database.writer.writeWithoutTransaction { try $0.execute(sql: "PRAGMA query_only = 0") }
        h.advance(to: "2019-10-22T14:05")
        #expect(h.scheduler.status().storeFault == nil)
        for subscription in subscriptions { #expect(try h.states(subscription) == ["reminder:7d sent"]) }
        #expect(h.webhook.messages.count == 3, "nothing sent twice")
    }

    @Test func resultsArrivingWhileTheDatabaseIsFullAreRecordedOnceItHasRoom() throws {
        let (h, _, subscriptions) = try sendsInFlight(8)
        try h.database.writer.writeWithoutTransaction { db in
            try db.execute(sql: "VACUUM")
            let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
            try db.execute(sql: "PRAGMA max_page_count = \(pages)")
        }
        // Each answer, recorded with its attempt, needs room the database no longer has.
        h.webhook.release(.sent(detail: "HTTP 204: " + String(repeating: "x", count: 3000)))
        h.settle()
        try expectFaultShown(h, containing: "full")
        for subscription in subscriptions { #expect(try h.states(subscription) == ["reminder:7d sending"]) }

        try h.database.writer.writeWithoutTransaction { try $0.execute(sql: "PRAGMA max_page_count = 1073741823") }
        h.advance(to: "2019-10-22T14:05")
        #expect(h.scheduler.status().storeFault == nil)
        for subscription in subscriptions { #expect(try h.states(subscription) == ["reminder:7d sent"]) }
        #expect(h.webhook.messages.count == 8, "nothing sent twice")
    }

    @Test(.enabled(if: getuid() == 0, "mounting a small tmpfs needs root"))
    func resultsArrivingWhileTheFilesystemIsFullAreRecordedOnceItHasRoom() throws {
        let mountPoint = Fixtures.temporaryDirectory()
        try SmallFilesystem.mount(at: mountPoint, megabytes: 4)
        defer { SmallFilesystem.unmount(mountPoint) }
        let (h, _, subscriptions) = try sendsInFlight(4, directory: mountPoint)
        try h.database.writer.writeWithoutTransaction {
            _ = try Row.fetchOne($0, sql: "PRAGMA wal_checkpoint(TRUNCATE)")
        }
        let filler = mountPoint + "/filler"
        SmallFilesystem.fill(filler)
        h.webhook.release(.sent(detail: "HTTP 204: " + String(repeating: "x", count: 3000)))
        h.settle()
        try expectFaultShown(h, containing: "full")
        for subscription in subscriptions { #expect(try h.states(subscription) == ["reminder:7d sending"]) }

        try FileManager.default.removeItem(atPath: filler)
        h.advance(to: "2019-10-22T14:05")
        #expect(h.scheduler.status().storeFault == nil)
        for subscription in subscriptions { #expect(try h.states(subscription) == ["reminder:7d sent"]) }
        #expect(h.webhook.messages.count == 4, "nothing sent twice")
    }

    @Test func aFailedReadOfTheNextDueRowLeavesTheTimerArmedAndIsShown() throws {
        // The outbox table vanishes under the scheduler (another connection renames it): reads
        // and writes fail until it is back.
        let (h, path, subscriptions) = try sendsInFlight(1)
        let other = try OtherConnection(path: path)
        try other.execute("ALTER TABLE delivery RENAME TO delivery_away")
        h.webhook.release(.sent(detail: "HTTP 204"))
        h.settle()
        try expectFaultShown(h, containing: "no such table")

        try other.execute("ALTER TABLE delivery_away RENAME TO delivery")
        h.advance(to: "2019-10-22T14:01")
        #expect(h.scheduler.status().storeFault == nil)
        #expect(try h.states(subscriptions[0]) == ["reminder:7d sent"])
        #expect(h.timer.armedFor == nil, "nothing else is pending")
        #expect(h.webhook.messages.count == 1)
    }
}

/// A tmpfs of a few megabytes, mounted by a test run as root.
enum SmallFilesystem {
    static func mount(at path: String, megabytes: Int) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/mount")
        process.arguments = ["-t", "tmpfs", "-o", "size=\(megabytes)m", "tmpfs", path]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "mount failed at \(path)"])
        }
    }

    static func unmount(_ path: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/umount")
        process.arguments = ["-l", path]
        try? process.run()
        process.waitUntilExit()
    }

    /// Writes zeros to `path` until the filesystem has no room left.
    static func fill(_ path: String) {
        guard FileManager.default.createFile(atPath: path, contents: nil),
            let handle = FileHandle(forWritingAtPath: path)
        else { return }
        defer { try? handle.close() }
        let block = Data(count: 64 * 1024)
        while (try? handle.write(contentsOf: block)) != nil {}
        let small = Data(count: 512)
        while (try? handle.write(contentsOf: small)) != nil {}
    }
}
