import ConcertCore
import ConcertPostgres
import Foundation
import PostgresTestSupport
import Synchronization
import Testing

@testable import ConcertDaemon

/// A running instance takes back the sends of an instance that died once their leases expire,
/// and wakes its scheduler to send them: without a restart of anyone.
@Suite(.serialized, .timeLimit(.minutes(2))) struct LeaseReclaimerTests {
    static let now = Date(timeIntervalSince1970: 1_571_500_000)

    @Test func theRowsOfADeadInstanceComeBackWhenTheirLeasesExpireAndTheSchedulerIsWoken() async throws {
        let url = try await ThrowawayPostgres.shared().makeDatabase()
        let settings = PostgresSettings(url: url)
        // The instance that dies: a lease of one second on the server's clock.
        let dead = try PostgresStore.open(settings: settings, instanceName: "dead", leaseSeconds: 1)
        try dead.addConcert(
            Concert(
                id: "c1", cities: ["busan"],
                schedule: .timed(
                    start: Self.now.addingTimeInterval(30 * 86400), end: Self.now.addingTimeInterval(30 * 86400 + 3600))
            ),
            now: Self.now)
        let (made, _) = try dead.createSubscription(
            NewSubscription(channel: .email("a@example.org"), cities: ["busan"]), now: Self.now)
        let due = try dead.dueDeliveries(now: Self.now, limit: 10, excluding: [])
        #expect(due.count == 1, "the confirmation of \(made.id)")
        #expect(try dead.claim(due, skipping: [], now: Self.now).sending.count == 1)
        dead.close()
        let alive = try PostgresStore.open(settings: settings, instanceName: "alive")
        defer { alive.close() }
        let wakes = Atomic<Int>(0)
        let reclaimer = LeaseReclaimer(
            store: alive, period: .milliseconds(200), clock: ManualClock(Self.now), logger: .quiet,
            armedFor: { nil }, wake: { wakes.add(1, ordering: .relaxed) })
        reclaimer.start()
        defer { reclaimer.stop() }
        var pending: [PendingDelivery] = []
        for _ in 0..<50 where pending.isEmpty {
            try await Task.sleep(for: .milliseconds(100))
            pending = try alive.dueDeliveries(now: Self.now, limit: 10, excluding: [])
        }
        #expect(pending.map(\.delivery.id) == due.map(\.delivery.id), "the dead instance's row came back")
        #expect(wakes.load(ordering: .relaxed) == 1, "woken once, for the one time rows came back")
    }

    /// A retry an instance scheduled before it died is no one's lease: the tick wakes the
    /// scheduler when the store holds a row due before the moment its timer is armed for.
    @Test func aRowDueBeforeTheArmedTimerWakesTheSchedulerOnce() async throws {
        let url = try await ThrowawayPostgres.shared().makeDatabase()
        let store = try PostgresStore.open(settings: PostgresSettings(url: url), instanceName: "alive")
        defer { store.close() }
        try store.addConcert(
            Concert(
                id: "c1", cities: ["busan"],
                schedule: .timed(
                    start: Self.now.addingTimeInterval(30 * 86400), end: Self.now.addingTimeInterval(30 * 86400 + 3600))
            ),
            now: Self.now)
        _ = try store.createSubscription(
            NewSubscription(channel: .email("a@example.org"), cities: ["busan"]), now: Self.now, confirm: false)
        // The subscription's first reminder, 29 days on; the timer armed for a day later.
        let first = try #require(try store.nextDue(after: Self.now))
        let clock = ManualClock(Self.now)
        let armed = Mutex<Date?>(first.addingTimeInterval(86400))
        let wakes = Atomic<Int>(0)
        let reclaimer = LeaseReclaimer(
            store: store, period: .milliseconds(200), clock: clock, logger: .quiet,
            armedFor: { armed.withLock { $0 } }, wake: { wakes.add(1, ordering: .relaxed) })
        reclaimer.start()
        defer { reclaimer.stop() }
        for _ in 0..<50 where wakes.load(ordering: .relaxed) == 0 { try await Task.sleep(for: .milliseconds(50)) }
        #expect(wakes.load(ordering: .relaxed) == 1)
        // Re-armed for that row: no more wakes.
        armed.withLock { $0 = first }
        try await Task.sleep(for: .milliseconds(600))
        #expect(wakes.load(ordering: .relaxed) == 1)
    }

    @Test func theCheckRunsAFewTimesWithinALease() {
        #expect(LeaseReclaimer.period(forLease: 300) == .seconds(30))
        #expect(LeaseReclaimer.period(forLease: 7260) == .seconds(726))
        #expect(LeaseReclaimer.period(forLease: 5) == .seconds(1))
    }

    @Test func aDaemonOnPostgreSQLRunsOneAndADaemonOnSQLiteNone() async throws {
        let url = try await ThrowawayPostgres.shared().makeDatabase()
        let daemon = try await TestDaemon.onPostgres(url, instance: "east-1")
        defer { daemon.remove() }
        #expect(daemon.daemon.leaseReclaimer?.period == .seconds(30))
        let sqlite = try TestDaemon()
        defer { sqlite.remove() }
        #expect(sqlite.daemon.leaseReclaimer == nil)
    }
}
