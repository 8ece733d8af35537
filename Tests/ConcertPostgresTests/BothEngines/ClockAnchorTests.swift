import ConcertCore
import ConcertPostgres
import Foundation
import Testing

/// The clock a daemon runs on (`--clock-start`, `--clock-rate`), anchored through the store: on a
/// SQLite store every start takes its own, as before; on PostgreSQL the first instance stores its
/// anchor and the others started with the same flags follow it, and other flags are refused.
@Suite(.timeLimit(.minutes(3)))
struct ClockAnchorTests {
    /// 2019-10-21T00:00+09:00.
    static let replay = ClockShift(start: Date(timeIntervalSince1970: 1_571_583_600), rate: 3600)

    static func secondInstance(_ store: OpenedStore, _ name: String) throws -> PostgresStore {
        try PostgresStore.open(settings: try #require(store.postgres).pool.settings, instanceName: name)
    }

    @Test(arguments: StoreEngine.allCases)
    func theFirstStartRunsItsClockFromItsFlags(engine: StoreEngine) async throws {
        let store = try await engine.openNew()
        let before = Date()
        let anchor = try store.daemonStore.anchorClock(Self.replay)
        #expect(anchor.shift == Self.replay)
        #expect(anchor.followedInstances.isEmpty)
        let clock = anchor.makeClock()
        #expect(clock.isShifted)
        // An hour a second: within a few seconds of the start, the clock is within a few hours.
        #expect(abs(clock.now().timeIntervalSince(Self.replay.start!)) < 3 * 3600)
        #expect(abs(anchor.realStart.timeIntervalSince(before)) < 2)
        let real = try store.daemonStore.anchorClock(nil)
        #expect(engine == .postgresql || !real.makeClock().isShifted)
    }

    @Test func aSQLiteStoreKeepsNoAnchor() async throws {
        let store = try await StoreEngine.sqlite.openNew()
        let first = try store.daemonStore.anchorClock(Self.replay)
        try await Task.sleep(for: .milliseconds(50))
        // Another start with other flags is a start of its own: nothing is refused or followed.
        let other = try store.daemonStore.anchorClock(ClockShift(start: Self.replay.start, rate: 60))
        #expect(other.shift?.rate == 60)
        let again = try store.daemonStore.anchorClock(Self.replay)
        #expect(again.realStart > first.realStart)
    }

    @Test func anInstanceStartedWithTheSameFlagsFollowsTheFirstOnesClock() async throws {
        let store = try await StoreEngine.postgresql.openNew()
        let first = try #require(store.postgres).anchorClock(Self.replay)
        try await Task.sleep(for: .milliseconds(300))
        let second = try Self.secondInstance(store, "b").anchorClock(Self.replay)
        #expect(second.followedInstances == ["a"])
        #expect(abs(second.realStart.timeIntervalSince(first.realStart)) < 0.01)
        #expect(second.clockStart == first.clockStart)
        // The same shifted now (an hour a real second: 10 ms of real time is 36 s).
        let (a, b) = (first.makeClock().now(), second.makeClock().now())
        #expect(abs(a.timeIntervalSince(b)) < 60, "\(a) \(b)")
        // Had it started its own clock it would be 300 ms (18 minutes of the clock) behind.
        #expect(second.makeClock().now().timeIntervalSince(Self.replay.start!) > 900)
    }

    @Test func aRateOnlyClockIsFollowedFromTheFirstInstancesStart() async throws {
        let store = try await StoreEngine.postgresql.openNew()
        let flags = ClockShift(start: nil, rate: 60)
        let first = try #require(store.postgres).anchorClock(flags)
        try await Task.sleep(for: .milliseconds(200))
        let second = try Self.secondInstance(store, "b").anchorClock(flags)
        #expect(second.clockStart == first.clockStart)
        #expect(abs(first.makeClock().now().timeIntervalSince(second.makeClock().now())) < 2)
    }

    @Test func otherFlagsAreRefusedNamingBoth() async throws {
        let store = try await StoreEngine.postgresql.openNew()
        _ = try #require(store.postgres).anchorClock(Self.replay)
        let other = try Self.secondInstance(store, "b")
        for (flags, words) in [
            (ClockShift(start: Self.replay.start, rate: 60), "--clock-rate 60"),
            (ClockShift(start: Self.replay.start!.addingTimeInterval(86_400), rate: 3600), "2019-10-22T00:00:00+09:00"),
            (nil, "without --clock-start or --clock-rate"),
        ] as [(ClockShift?, String)] {
            do {
                _ = try other.anchorClock(flags)
                Issue.record("an instance with other clock flags was let in: \(String(describing: flags))")
            } catch let error as StoreError {
                #expect(error.code == .invalid)
                #expect(error.message.contains("instance a"), "\(error.message)")
                #expect(
                    error.message.contains("--clock-start 2019-10-21T00:00:00+09:00 --clock-rate 3600"),
                    "\(error.message)")
                #expect(error.message.contains(words), "\(error.message)")
            }
        }
    }

    @Test func aShiftedInstanceIsRefusedBesideOneOnTheRealClock() async throws {
        let store = try await StoreEngine.postgresql.openNew()
        let real = try #require(store.postgres).anchorClock(nil)
        #expect(!real.makeClock().isShifted)
        #expect(throws: StoreError.self) { try Self.secondInstance(store, "b").anchorClock(Self.replay) }
        #expect(try !Self.secondInstance(store, "c").anchorClock(nil).makeClock().isShifted)
    }

    @Test func onceTheInstancesOfAnAnchorAreGoneTheNextStartAnchorsAnew() async throws {
        let store = try await StoreEngine.postgresql.openNew()
        let postgres = try #require(store.postgres)
        let first = try postgres.anchorClock(Self.replay)
        // Instance a stops: its connections close.
        postgres.pool.closeIdle()
        try await Task.sleep(for: .milliseconds(200))
        let rate60 = ClockShift(start: Self.replay.start, rate: 60)
        let second = try Self.secondInstance(store, "b").anchorClock(rate60)
        #expect(second.followedInstances.isEmpty)
        #expect(second.shift == rate60)
        #expect(second.realStart > first.realStart)
    }

    @Test func aRestartedInstanceAloneOnTheDatabaseStartsItsClockAgain() async throws {
        let store = try await StoreEngine.postgresql.openNew()
        let postgres = try #require(store.postgres)
        let first = try postgres.anchorClock(Self.replay)
        try await Task.sleep(for: .milliseconds(200))
        // Its own name's sessions are its earlier life's, not another instance to follow.
        let again = try Self.secondInstance(store, "a").anchorClock(Self.replay)
        #expect(again.followedInstances.isEmpty)
        #expect(again.realStart > first.realStart)
    }
}

/// Every instance restarted at once with new clock flags: neither another instance's new life,
/// connected but not yet anchored, nor the session of a stopped one the server still lists for a
/// moment, counts as an instance running on the old anchor.
@Suite(.timeLimit(.minutes(3)))
struct ClockAnchorRestartTests {
    static let replay = ClockAnchorTests.replay
    static let rate60 = ClockShift(start: replay.start, rate: 60)

    @Test func anotherInstancesNewLifeNotYetAnchoredDoesNotHoldTheOldAnchor() async throws {
        let store = try await StoreEngine.postgresql.openNew()
        let oldA = try #require(store.postgres)
        let oldB = try ClockAnchorTests.secondInstance(store, "b")
        _ = try oldA.anchorClock(Self.replay)
        #expect(try oldB.anchorClock(Self.replay).followedInstances == ["a"])
        oldA.close()
        oldB.close()
        try await Task.sleep(for: .milliseconds(200))
        // b's new life has connected (its store is open), but not yet anchored when a's does.
        let newB = try ClockAnchorTests.secondInstance(store, "b")
        let newA = try ClockAnchorTests.secondInstance(store, "a")
        let a = try newA.anchorClock(Self.rate60)
        #expect(a.followedInstances.isEmpty)
        #expect(a.shift == Self.rate60)
        #expect(try newB.anchorClock(Self.rate60).followedInstances == ["a"])
    }

    @Test func aStoppedInstancesSessionStillListedIsWaitedFor() async throws {
        let store = try await StoreEngine.postgresql.openNew()
        let oldA = try #require(store.postgres)
        _ = try oldA.anchorClock(Self.replay)
        // a's session goes a moment after b's start looked: b waits for it, then anchors anew.
        let closing = Task {
            try await Task.sleep(for: .milliseconds(700))
            oldA.close()
        }
        let b = try ClockAnchorTests.secondInstance(store, "b").anchorClock(Self.rate60)
        try await closing.value
        #expect(b.followedInstances.isEmpty)
        #expect(b.shift == Self.rate60)
    }
}
