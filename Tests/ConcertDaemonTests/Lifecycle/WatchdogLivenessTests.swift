import ConcertCore
import Dispatch
import Foundation
import GRDB
import Testing

@testable import ConcertDaemon

/// `WATCHDOG=1` is tied to the daemon's liveness: its scheduler's queue runs, its database
/// answers a read. A stuck scheduler stops the pings; the write lock held elsewhere (another
/// connection, a long import through the daemon's own writer) does not.
@Suite(.timeLimit(.minutes(1)), .serialized)
struct WatchdogLivenessTests {
    /// The daemon's check with short bounds, so that a test waits fractions of a second.
    func check(_ daemon: TestDaemon, maximumStoreWait: Duration = .seconds(600)) -> LivenessCheck {
        LivenessCheck(
            scheduler: daemon.daemon.scheduler, database: daemon.daemon.database, timeout: .milliseconds(300),
            maximumStoreWait: maximumStoreWait)
    }

    /// Another process's connection to the daemon's database, holding the write lock.
    func lockHolder(_ daemon: TestDaemon) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.allowsUnsafeTransactions = true
        let queue = try DatabaseQueue(path: daemon.daemon.resolved.paths.databasePath, configuration: configuration)
        try queue.writeWithoutTransaction { try $0.execute(sql: "BEGIN IMMEDIATE") }
        return queue
    }

    @Test func aStuckSchedulerQueueFailsTheCheckUntilItRunsAgain() throws {
        let daemon = try TestDaemon()
        defer { daemon.stop() }
        #expect(daemon.daemon.checkLiveness().isAlive)
        let stuck = DispatchSemaphore(value: 0)
        daemon.daemon.scheduler.queue.async { stuck.wait() }
        let report = check(daemon).run()
        #expect(!report.isAlive)
        #expect(report.problems.contains { $0.contains("the scheduler has not run a no-op") }, "\(report)")
        stuck.signal()
        #expect(check(daemon).run().isAlive)
    }

    @Test func aWriteTransactionOfAnotherConnectionDoesNotFailTheCheck() throws {
        let daemon = try TestDaemon()
        defer { daemon.stop() }
        let other = try lockHolder(daemon)
        defer { try? other.writeWithoutTransaction { try $0.execute(sql: "ROLLBACK") } }
        daemon.daemon.scheduler.wake()  // its writes now wait for the lock (busy timeout), then fail
        for _ in 0..<3 {
            let report = check(daemon).run()
            #expect(report.isAlive, "\(report)")
        }
    }

    @Test func theSchedulerWaitingForTheWriterOfALongImportIsAliveForABoundedTime() throws {
        let daemon = try TestDaemon()
        defer { daemon.stop() }
        // An import holds the daemon's own writer: the scheduler's next write waits for it.
        let importing = DispatchSemaphore(value: 0)
        let holding = DispatchSemaphore(value: 0)
        let database = daemon.sqlite
        Thread {
            try? database.writer.write { _ in
                holding.signal()
                importing.wait()
            }
        }.start()
        holding.wait()
        daemon.daemon.scheduler.wake()
        let report = check(daemon).run()
        #expect(report.isAlive, "\(report)")
        #expect(report.notes.contains { $0.contains("waited") && $0.contains("for the database") })
        let tooLong = check(daemon, maximumStoreWait: .zero).run()
        #expect(tooLong.problems.contains { $0.contains("for the database") })
        importing.signal()
        #expect(check(daemon).run().notes.isEmpty)
    }

    /// A pinger on `check`, counting the checks it makes.
    func pinger(
        _ check: LivenessCheck, receiver: DatagramReceiver, checks: DispatchSemaphore
    ) -> WatchdogPinger {
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": receiver.notifySocket])
        let isHealthy = WatchdogPinger.healthCheck({ check.run() }, logger: .quiet)
        return WatchdogPinger(
            notifier: notifier, interval: .milliseconds(20), queue: DispatchQueue(label: "test.watchdog"),
            isHealthy: {
                defer { checks.signal() }
                return isHealthy()
            })
    }

    @Test func aStuckSchedulerStopsTheWatchdogPings() throws {
        let daemon = try TestDaemon()
        defer { daemon.stop() }
        let receiver = try DatagramReceiver()
        let checks = DispatchSemaphore(value: 0)
        let pinger = pinger(check(daemon), receiver: receiver, checks: checks)
        pinger.start()
        defer { pinger.stop() }
        #expect(receiver.receive() == "WATCHDOG=1")
        let stuck = DispatchSemaphore(value: 0)
        daemon.daemon.scheduler.queue.async { stuck.wait() }
        // Once a check has begun after the queue got stuck, no ping follows.
        #expect(checks.wait(timeout: .now() + 5) == .success)
        while receiver.pending() != nil {}
        for _ in 0..<2 { #expect(checks.wait(timeout: .now() + 5) == .success) }
        #expect(receiver.pending() == nil)
        stuck.signal()
        #expect(receiver.receive() == "WATCHDOG=1")
    }

    @Test func aWriteTransactionOfAnotherConnectionDoesNotStopTheWatchdogPings() throws {
        let daemon = try TestDaemon()
        defer { daemon.stop() }
        let other = try lockHolder(daemon)
        defer { try? other.writeWithoutTransaction { try $0.execute(sql: "ROLLBACK") } }
        daemon.daemon.scheduler.wake()
        let receiver = try DatagramReceiver()
        let checks = DispatchSemaphore(value: 0)
        let pinger = pinger(check(daemon), receiver: receiver, checks: checks)
        pinger.start()
        defer { pinger.stop() }
        for _ in 0..<3 { #expect(receiver.receive() == "WATCHDOG=1") }
    }
}
