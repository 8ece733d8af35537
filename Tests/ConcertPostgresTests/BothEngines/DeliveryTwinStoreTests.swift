import ConcertCore
import ConcertPostgres
import Foundation
import PostgresTestSupport
import Synchronization
import Testing

/// The same message through two subscriptions of one channel (`ConcertdStore`, "the same
/// message") at the store, on both engines: a row whose twin was sent is a duplicate, one whose
/// twin is being sent or retried waits up to ``DeliveryTwin/wait`` for that verdict, and the
/// verdict wakes it: sent, a duplicate; failed, sent in its place.
@Suite(.timeLimit(.minutes(3)))
struct DeliveryTwinStoreTests {
    static let now = SendingStoreTests.now
    static let url = "https://hooks.example.org/twin"

    /// A subscription of `cities` `seoul` to `target`, in `format` and `lang`.
    struct Twin {
        var id: String
        var target = DeliveryTwinStoreTests.url
        var format = "slack"
        var lang = "ko"
    }

    /// One concert; each subscription given, with one row of `kind` and offset one day due a
    /// minute ago (the message of `revisions[i]` for the i-th). Returns the due rows in id order.
    static func insert(
        _ store: OpenedStore, _ twins: [Twin], kind: String = "reminder", offset: Int = 86_400,
        revisions: [Int]? = nil
    ) throws -> [PendingDelivery] {
        let t = SendingStoreTests.nowMillis
        try store.execute(
            """
            INSERT INTO concert (id, origin, revision, status, starts_at, ends_at, reminder_deadline, time_announced,
                body, created_at, updated_at)
            VALUES ('c1', 'catalog', 2, 'scheduled', \(t + 86_400_000), \(t + 90_000_000), \(t + 86_400_000), 1,
                '{}', \(t), \(t))
            """)
        for (index, twin) in twins.enumerated() {
            try store.execute(
                """
                INSERT INTO subscription (id, channel, target, format, secret, destination, cities, offsets, lang,
                    label, state, state_reason, created_at, updated_at)
                VALUES ('\(twin.id)', 'webhook', '\(twin.target)', '\(twin.format)', NULL, 'hooks.example.org:443',
                    'seoul', '\(offset)', '\(twin.lang)', NULL, 'active', NULL, \(t), \(t))
                """)
            try store.execute(
                """
                INSERT INTO delivery (subscription_id, concert_id, concert_revision, kind, offset_seconds, due_at,
                    state, attempts, next_attempt_at, created_at)
                VALUES ('\(twin.id)', 'c1', \(revisions?[index] ?? 2), '\(kind)', \(offset), \(t - 60_000),
                    'scheduled', 0, \(t - 60_000), \(t))
                """)
        }
        return try store.sending.dueDeliveries(now: now, limit: 1_000, excluding: []).sorted {
            $0.delivery.id < $1.delivery.id
        }
    }

    /// The verdict `state` of a claimed row, finished at `at`, as the scheduler's policy makes it.
    static func verdict(_ claimed: ClaimedDelivery, _ state: Delivery.State, at: Date) -> DeliveryRecord {
        let outcome: AttemptOutcome =
            switch state {
            case .sent: .sent("HTTP 200")
            case .retrying: AttemptOutcome(name: "retryable", detail: "HTTP 503")
            default: AttemptOutcome(name: "permanent", detail: "HTTP 404")
            }
        return DeliveryRecord(
            delivery: claimed.delivery, subscription: claimed.subscription, outcome: outcome, newState: state,
            nextAttempt: state == .retrying ? at.addingTimeInterval(60) : nil, reason: nil,
            error: state == .sent ? nil : outcome.detail, finishedAt: at,
            targetSubscribedTwice: claimed.targetSubscribedTwice)
    }

    /// Each row's subscription and state (`skipped(reason)`), in id order.
    static func states(_ store: OpenedStore) throws -> [String] {
        try store.lines(
            """
            SELECT subscription_id || ' ' || state || COALESCE('(' || reason || ')', '') FROM delivery ORDER BY id
            """)
    }

    static func nextAttempt(_ store: OpenedStore, _ subscriptionID: String) throws -> Date {
        Date(
            millis: Int64(
                try store.integer("SELECT next_attempt_at FROM delivery WHERE subscription_id = '\(subscriptionID)'")))
    }

    @Test(arguments: StoreEngine.allCases)
    func aReminderWhoseTwinWasSentIsADuplicate(engine: StoreEngine) async throws {
        let store = try await engine.openNew()
        let due = try Self.insert(store, [Twin(id: "s1"), Twin(id: "s2")])
        #expect(due.map(\.targetSubscribedTwice) == [true, true])
        let first = try store.sending.claim([due[0]], skipping: [], now: Self.now).sending
        #expect(try store.sending.record([Self.verdict(try #require(first.first), .sent, at: Self.now)]) == 0)
        let second = try store.sending.claim([due[1]], skipping: [], now: Self.now)
        #expect(second.sending.isEmpty)
        #expect(second.duplicates.map(\.delivery.id) == [due[1].delivery.id])
        #expect(second.putOffUntil == nil)
        #expect(try Self.states(store) == ["s1 sent", "s2 skipped(duplicate)"])
        #expect(try store.integer("SELECT COUNT(*) FROM attempt WHERE delivery_id = \(due[1].delivery.id)") == 0)
        let counters = try store.history.counters()
        #expect(counters["delivery.skipped"] == 1 && counters["delivery.sent"] == 1)
    }

    @Test(arguments: StoreEngine.allCases)
    func aReminderWhoseTwinIsBeingSentWaitsForItsVerdict(engine: StoreEngine) async throws {
        let store = try await engine.openNew()
        let due = try Self.insert(store, [Twin(id: "s1"), Twin(id: "s2")])
        #expect(try store.sending.claim([due[0]], skipping: [], now: Self.now).sending.count == 1)
        let second = try store.sending.claim([due[1]], skipping: [], now: Self.now)
        let until = Self.now.addingTimeInterval(DeliveryTwin.wait)
        #expect(second.sending.isEmpty && second.duplicates.isEmpty)
        #expect(second.putOffUntil == until)
        #expect(try Self.states(store) == ["s1 sending", "s2 scheduled"])
        #expect(try Self.nextAttempt(store, "s2") == until)
        #expect(try store.sending.nextDue(after: Self.now) == until)
        #expect(try store.sending.dueDeliveries(now: Self.now, limit: 10, excluding: []).isEmpty)
    }

    @Test(arguments: StoreEngine.allCases)
    func aSentVerdictWakesTheWaitingTwinWhichIsThenADuplicate(engine: StoreEngine) async throws {
        let store = try await engine.openNew()
        let due = try Self.insert(store, [Twin(id: "s1"), Twin(id: "s2")])
        let first = try #require(try store.sending.claim([due[0]], skipping: [], now: Self.now).sending.first)
        _ = try store.sending.claim([due[1]], skipping: [], now: Self.now)
        let later = Self.now.addingTimeInterval(90)
        #expect(try store.sending.record([Self.verdict(first, .sent, at: later)]) == 1)
        #expect(try Self.nextAttempt(store, "s2") == later)
        let woken = try store.sending.dueDeliveries(now: later, limit: 10, excluding: [])
        #expect(woken.map(\.delivery.subscriptionID) == ["s2"])
        let claim = try store.sending.claim(woken, skipping: [], now: later)
        #expect(claim.sending.isEmpty)
        #expect(claim.duplicates.count == 1)
        #expect(try Self.states(store) == ["s1 sent", "s2 skipped(duplicate)"])
    }

    /// The verdict given with the next claim (the scheduler's round) wakes the twin in the same
    /// transaction, and the claim says so.
    @Test(arguments: StoreEngine.allCases)
    func aFailedVerdictWakesTheWaitingTwinWhichIsSentInItsPlace(engine: StoreEngine) async throws {
        let store = try await engine.openNew()
        let due = try Self.insert(store, [Twin(id: "s1"), Twin(id: "s2")])
        let first = try #require(try store.sending.claim([due[0]], skipping: [], now: Self.now).sending.first)
        _ = try store.sending.claim([due[1]], skipping: [], now: Self.now)
        let later = Self.now.addingTimeInterval(90)
        let round = try store.sending.claim(
            [], skipping: [], recording: [Self.verdict(first, .failed, at: later)], now: later)
        #expect(round.woke)
        let woken = try store.sending.dueDeliveries(now: later, limit: 10, excluding: [])
        #expect(woken.map(\.delivery.subscriptionID) == ["s2"])
        let claim = try store.sending.claim(woken, skipping: [], now: later)
        #expect(claim.sending.map(\.subscription.id) == ["s2"])
        #expect(claim.duplicates.isEmpty)
        #expect(try Self.states(store) == ["s1 failed", "s2 sending"])
    }

    /// A retry is no verdict for the twin: it keeps waiting, and a twin being retried makes a
    /// row wait as one being sent does.
    @Test(arguments: StoreEngine.allCases)
    func aRetryLeavesTheTwinWaitingAndATwinBeingRetriedIsWaitedFor(engine: StoreEngine) async throws {
        let store = try await engine.openNew()
        let due = try Self.insert(store, [Twin(id: "s1"), Twin(id: "s2"), Twin(id: "s3")])
        let first = try #require(try store.sending.claim([due[0]], skipping: [], now: Self.now).sending.first)
        _ = try store.sending.claim([due[1]], skipping: [], now: Self.now)
        let later = Self.now.addingTimeInterval(30)
        #expect(try store.sending.record([Self.verdict(first, .retrying, at: later)]) == 0)
        #expect(try Self.nextAttempt(store, "s2") == Self.now.addingTimeInterval(DeliveryTwin.wait))
        let third = try store.sending.claim([due[2]], skipping: [], now: later)
        #expect(third.sending.isEmpty && third.duplicates.isEmpty)
        #expect(third.putOffUntil == later.addingTimeInterval(DeliveryTwin.wait))
        #expect(try Self.states(store) == ["s1 retrying", "s2 scheduled", "s3 scheduled"])
    }

    /// Twins due together and claimed in one batch: the first is sent, the others wait for it, as
    /// they would in batches of their own.
    @Test(arguments: StoreEngine.allCases)
    func twinsClaimedInOneBatchSendOneAndTheOthersWait(engine: StoreEngine) async throws {
        let store = try await engine.openNew()
        let due = try Self.insert(store, [Twin(id: "s1"), Twin(id: "s2"), Twin(id: "s3")])
        let claim = try store.sending.claim(due, skipping: [], now: Self.now)
        #expect(claim.sending.map(\.subscription.id) == ["s1"])
        #expect(claim.putOffUntil == Self.now.addingTimeInterval(DeliveryTwin.wait))
        #expect(try Self.states(store) == ["s1 sending", "s2 scheduled", "s3 scheduled"])
        #expect(try store.sending.record([Self.verdict(claim.sending[0], .failed, at: Self.now)]) == 2)
        let woken = try store.sending.dueDeliveries(now: Self.now, limit: 10, excluding: [])
        let again = try store.sending.claim(woken, skipping: [], now: Self.now)
        #expect(again.sending.map(\.subscription.id) == ["s2"], "one is sent in the failed one's place")
        #expect(try Self.states(store) == ["s1 failed", "s2 sending", "s3 scheduled"])
        #expect(try store.history.counters()["delivery.sending"] == 1)
    }

    /// Only the same target, format, language, concert revision, kind and offset are the same
    /// message; a confirmation is each subscription's own.
    @Test(arguments: StoreEngine.allCases)
    func anotherTargetFormatLanguageOrRevisionIsNoTwin(engine: StoreEngine) async throws {
        let store = try await engine.openNew()
        let due = try Self.insert(
            store,
            [
                Twin(id: "s1"), Twin(id: "s2", target: "https://hooks.example.org/other"),
                Twin(id: "s3", format: "generic"), Twin(id: "s4", lang: "en"), Twin(id: "s5"),
            ], revisions: [2, 2, 2, 2, 1])
        let first = try store.sending.claim([due[0]], skipping: [], now: Self.now).sending
        #expect(first.count == 1)
        let others = try store.sending.claim(Array(due.dropFirst()), skipping: [], now: Self.now)
        #expect(others.sending.map(\.subscription.id) == ["s2", "s3", "s4", "s5"])
        #expect(others.putOffUntil == nil && others.duplicates.isEmpty)
    }

    @Test(arguments: StoreEngine.allCases)
    func confirmationsOfOneChannelAreEachSent(engine: StoreEngine) async throws {
        let store = try await engine.openNew()
        let due = try Self.insert(store, [Twin(id: "s1"), Twin(id: "s2")], kind: "confirmation", offset: 0)
        let first = try #require(try store.sending.claim([due[0]], skipping: [], now: Self.now).sending.first)
        try store.sending.record([Self.verdict(first, .sent, at: Self.now)])
        let second = try store.sending.claim([due[1]], skipping: [], now: Self.now)
        #expect(second.sending.map(\.subscription.id) == ["s2"])
        #expect(second.duplicates.isEmpty)
    }

    // MARK: Several instances on one PostgreSQL database

    /// Instances claiming at the same moment each see the other's claim only once it commits: the
    /// twin of a row another instance is claiming right now is waited for as one being sent,
    /// never sent beside it (on SQLite one writer makes the claims serial).
    @Test func twinsClaimedByInstancesAtOnceAreSentOnce() async throws {
        let store = try await StoreEngine.postgresql.openNew()
        let pairs = 100
        let twins = (0..<pairs).flatMap { index in
            let target = "https://hooks.example.org/pair\(index)"
            return [Twin(id: "a\(index)", target: target), Twin(id: "b\(index)", target: target)]
        }
        let due = try Self.insert(store, twins)
        #expect(due.count == 2 * pairs)
        let settings = try #require(store.postgres).pool.settings
        let instances = try ["a", "b"].map { try PostgresStore.open(settings: settings, instanceName: $0) }
        let errors = try await ThrowawayPostgres.blocking {
            let errors = Mutex<[String]>([])
            DispatchQueue.concurrentPerform(iterations: instances.count) { index in
                // Instance a claims the rows of the subscriptions a…, b those of b…: each pair's
                // twins are claimed at the same moment by two instances.
                let prefix = index == 0 ? "a" : "b"
                do {
                    _ = try instances[index].claim(
                        due.filter { $0.subscription.id.hasPrefix(prefix) }, skipping: [], now: Self.now)
                } catch {
                    errors.withLock { $0.append("\(error)") }
                }
            }
            return errors.withLock { $0 }
        }
        #expect(errors.isEmpty)
        let sending = try store.lines(
            "SELECT s.target FROM delivery d JOIN subscription s ON s.id = d.subscription_id WHERE d.state = 'sending'")
        #expect(sending.count == Set(sending).count, "a message was claimed twice")
        #expect(sending.count == pairs, "each message is claimed once; its twin waits")
        #expect(try store.integer("SELECT COUNT(*) FROM delivery WHERE state = 'scheduled'") == pairs)
    }
}
