import ConcertCore
import ConcertPostgres
import Foundation
import PostgresTestSupport
import Synchronization
import Testing

/// The scheduler's side of the store on both engines, and what only a shared store has: claims
/// that two instances never share, leases that expire, counters per instance.
@Suite(.timeLimit(.minutes(3)))
struct SendingStoreTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static var nowMillis: Int64 { Int64(now.timeIntervalSince1970 * 1000) }

    /// One concert, one webhook subscription and `count` reminders due a minute ago.
    static func insertDueReminders(_ store: OpenedStore, count: Int) throws {
        let t = nowMillis
        try store.execute(
            """
            INSERT INTO concert (id, origin, revision, status, starts_at, ends_at, reminder_deadline, time_announced,
                body, created_at, updated_at)
            VALUES ('c1', 'catalog', 1, 'scheduled', \(t + 86_400_000), \(t + 90_000_000), \(t + 86_400_000), 1,
                '{}', \(t), \(t))
            """)
        try store.execute(
            """
            INSERT INTO subscription (id, channel, target, format, secret, destination, cities, offsets, lang, label,
                state, state_reason, created_at, updated_at)
            VALUES ('s1', 'webhook', 'https://hooks.example.org/a', 'generic', NULL, 'hooks.example.org:443', 'seoul',
                '86400', 'ko', NULL, 'active', NULL, \(t), \(t))
            """)
        for index in 0..<count {
            try store.execute(
                """
                INSERT INTO delivery (subscription_id, concert_id, concert_revision, kind, offset_seconds, due_at,
                    state, attempts, next_attempt_at, created_at)
                VALUES ('s1', 'c1', 1, 'reminder', \(index), \(t - 60_000), 'scheduled', 0, \(t - 60_000), \(t))
                """)
        }
    }

    static func sent(_ claimed: [ClaimedDelivery], at now: Date) -> [DeliveryRecord] {
        claimed.map {
            DeliveryRecord(
                delivery: $0.delivery, subscription: $0.subscription, outcome: .sent("HTTP 204"),
                newState: .sent, nextAttempt: nil, reason: nil, error: nil, finishedAt: now)
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func dueRowsAreClaimedOnceThenRecordedAsSent(engine: StoreEngine) async throws {
        let store = try await engine.openNew()
        try Self.insertDueReminders(store, count: 5)
        let sending = store.sending
        let due = try sending.dueDeliveries(now: Self.now, limit: 10, excluding: [])
        #expect(due.count == 5)
        #expect(try sending.dueDeliveries(now: Self.now, limit: 10, excluding: ["hooks.example.org:443"]).isEmpty)
        let claimed = try sending.claim(due, skipping: [], now: Self.now).sending
        #expect(claimed.map(\.delivery.state) == Array(repeating: .sending, count: 5))
        #expect(claimed.map(\.delivery.attempts) == Array(repeating: 1, count: 5))
        // Claimed rows are no longer due, and a second claim of the same rows takes nothing.
        #expect(try sending.dueDeliveries(now: Self.now, limit: 10, excluding: []).isEmpty)
        #expect(try sending.claim(due, skipping: [], now: Self.now).sending.isEmpty)
        try sending.record(Self.sent(claimed, at: Self.now))
        #expect(try store.integer("SELECT COUNT(*) FROM delivery WHERE state = 'sent'") == 5)
        #expect(try store.integer("SELECT COUNT(*) FROM attempt WHERE outcome = 'sent'") == 5)
        #expect(try sending.nextDue(after: Self.now) == nil)
    }

    @Test(arguments: StoreEngine.allCases)
    func rowsLeftSendingByAStopAreDueAgainAfterTheNextStart(engine: StoreEngine) async throws {
        let store = try await engine.openNew()
        try Self.insertDueReminders(store, count: 3)
        let due = try store.sending.dueDeliveries(now: Self.now, limit: 10, excluding: [])
        #expect(try store.sending.claim(due, skipping: [], now: Self.now).sending.count == 3)
        let later = Self.now.addingTimeInterval(30)
        #expect(try store.sending.recoverInterruptedSends(now: later) == 3)
        let again = try store.sending.dueDeliveries(now: later, limit: 10, excluding: [])
        #expect(again.map(\.delivery.state) == Array(repeating: .scheduled, count: 3))
        #expect(try store.integer("SELECT COUNT(*) FROM attempt WHERE outcome = 'interrupted'") == 3)
    }

    @Test(arguments: StoreEngine.allCases)
    func aRoundOfMixedVerdictsIsWrittenAndGoneDisablesTheSubscription(engine: StoreEngine) async throws {
        let store = try await engine.openNew()
        try Self.insertDueReminders(store, count: 4)
        let due = try store.sending.dueDeliveries(now: Self.now, limit: 10, excluding: [])
        let claimed = try store.sending.claim(Array(due.prefix(3)), skipping: [], now: Self.now).sending
        #expect(claimed.count == 3)
        let later = Self.now.addingTimeInterval(60)
        func record(
            _ index: Int, _ outcome: AttemptOutcome, _ state: Delivery.State, next: Date? = nil,
            disabling: String? = nil
        ) -> DeliveryRecord {
            DeliveryRecord(
                delivery: claimed[index].delivery, subscription: claimed[index].subscription, outcome: outcome,
                newState: state, nextAttempt: next, reason: nil, error: state == .sent ? nil : outcome.detail,
                finishedAt: Self.now, disablesSubscription: disabling)
        }
        try store.sending.record([
            record(0, .sent("HTTP 204"), .sent),
            record(1, AttemptOutcome(name: "retryable", detail: "HTTP 503"), .retrying, next: later),
            record(
                2, AttemptOutcome(name: "gone", detail: "HTTP 410"), .failed,
                disabling: "the endpoint answered 410 Gone: HTTP 410"),
        ])
        #expect(try store.integer("SELECT COUNT(*) FROM delivery WHERE state = 'sent'") == 1)
        #expect(try store.integer("SELECT COUNT(*) FROM delivery WHERE state = 'failed'") == 1)
        // The retried row and the one never claimed are skipped with the subscription disabled.
        #expect(try store.integer("SELECT COUNT(*) FROM delivery WHERE state = 'skipped' AND reason = 'disabled'") == 2)
        #expect(
            try store.integer(
                "SELECT COUNT(*) FROM subscription WHERE state = 'disabled' AND state_reason LIKE '%410 Gone%'") == 1)
        #expect(
            try store.integer("SELECT COUNT(*) FROM attempt WHERE outcome = 'retryable' AND detail = 'HTTP 503'") == 1)
        #expect(try store.integer("SELECT COUNT(*) FROM attempt WHERE finished_at IS NULL") == 0)
        #expect(try store.sending.nextDue(after: Self.now) == nil)
    }

    /// The contract's "records for rows no longer `sending` are ignored", on both engines: a verdict
    /// that arrives for a row something else moved meanwhile (here the start's recovery) changes
    /// neither the row, nor its attempt, nor (a 410) the subscription.
    @Test(arguments: StoreEngine.allCases)
    func aRecordOfARowNoLongerSendingChangesNothing(engine: StoreEngine) async throws {
        let store = try await engine.openNew()
        try Self.insertDueReminders(store, count: 1)
        let due = try store.sending.dueDeliveries(now: Self.now, limit: 10, excluding: [])
        let claimed = try store.sending.claim(due, skipping: [], now: Self.now).sending
        #expect(claimed.count == 1)
        #expect(try store.sending.recoverInterruptedSends(now: Self.now.addingTimeInterval(1)) == 1)
        try store.sending.record([
            DeliveryRecord(
                delivery: claimed[0].delivery, subscription: claimed[0].subscription,
                outcome: AttemptOutcome(name: "gone", detail: "HTTP 410"), newState: .failed, nextAttempt: nil,
                reason: nil, error: "HTTP 410", finishedAt: Self.now.addingTimeInterval(2),
                disablesSubscription: "the endpoint answered 410 Gone: HTTP 410")
        ])
        #expect(try store.integer("SELECT COUNT(*) FROM delivery WHERE state = 'scheduled'") == 1)
        #expect(try store.integer("SELECT COUNT(*) FROM subscription WHERE state = 'active'") == 1)
        #expect(try store.integer("SELECT COUNT(*) FROM attempt WHERE outcome = 'interrupted'") == 1)
        #expect(try store.integer("SELECT COUNT(*) FROM attempt WHERE outcome = 'gone'") == 0)
    }

    /// The running counters through rounds that write verdicts in the claim of the next rows, as
    /// the scheduler does: every state's counter moves with its rows (a row claimed again from
    /// `retrying` included), and each final verdict counts in its finished total.
    @Test(arguments: StoreEngine.allCases)
    func roundsOfVerdictsAndClaimsMoveTheCountersWithTheRows(engine: StoreEngine) async throws {
        let store = try await engine.openNew()
        try Self.insertDueReminders(store, count: 6)
        let sending = store.sending
        let history = store.daemonStore
        // Rows inserted by hand are not counted: the counters are compared by how they move.
        func states() throws -> [String: Int] {
            var counts: [String: Int] = [:]
            for line in try store.lines("SELECT state || '|' || COUNT(*) FROM delivery GROUP BY state") {
                let parts = line.split(separator: "|")
                counts["delivery." + parts[0]] = Int(parts[1])
            }
            return counts
        }
        let statesBefore = try states()
        let countersBefore = try history.counters()
        func expectCountersMovedWithTheRows(sent: Int, failed: Int) throws {
            let (now, counters) = (try states(), try history.counters())
            for state in Delivery.State.allCases {
                let name = "delivery." + state.rawValue
                #expect(
                    counters[name, default: 0] - countersBefore[name, default: 0]
                        == now[name, default: 0] - statesBefore[name, default: 0], "\(name)")
            }
            #expect(counters["finished.sent.reminder.generic", default: 0] == sent)
            #expect(counters["finished.failed.reminder.generic", default: 0] == failed)
        }
        let due = try sending.dueDeliveries(now: Self.now, limit: 10, excluding: [])
        let first = try sending.claim(Array(due.prefix(3)), skipping: [], now: Self.now).sending
        #expect(first.count == 3)
        let verdicts = [
            Self.record(first[0], .sent("HTTP 204"), .sent),
            Self.record(first[1], AttemptOutcome(name: "retryable", detail: "HTTP 503"), .retrying, next: Self.now),
            Self.record(first[2], AttemptOutcome(name: "permanent", detail: "HTTP 400"), .failed),
        ]
        let second = try sending.claim(
            Array(due.dropFirst(3)), skipping: [], recording: verdicts, now: Self.now
        ).sending
        #expect(second.count == 3)
        try expectCountersMovedWithTheRows(sent: 1, failed: 1)
        let retry = try sending.dueDeliveries(now: Self.now, limit: 10, excluding: [])
        #expect(retry.map(\.delivery.id) == [first[1].delivery.id])
        let third = try sending.claim(
            retry, skipping: [], recording: Self.sent(second, at: Self.now), now: Self.now
        ).sending
        #expect(third.map(\.delivery.attempts) == [2])
        try expectCountersMovedWithTheRows(sent: 4, failed: 1)
        try sending.record(Self.sent(third, at: Self.now))
        try expectCountersMovedWithTheRows(sent: 5, failed: 1)
        #expect(try store.integer("SELECT COUNT(*) FROM attempt WHERE finished_at IS NULL") == 0)
    }

    static func record(
        _ claimed: ClaimedDelivery, _ outcome: AttemptOutcome, _ state: Delivery.State, next: Date? = nil
    ) -> DeliveryRecord {
        DeliveryRecord(
            delivery: claimed.delivery, subscription: claimed.subscription, outcome: outcome, newState: state,
            nextAttempt: next, reason: nil, error: state == .sent ? nil : outcome.detail, finishedAt: now)
    }

    // MARK: Several instances on one PostgreSQL database

    @Test func aRowAnotherInstanceIsClaimingIsSkippedNotWaitedFor() async throws {
        let store = try await StoreEngine.postgresql.openNew()
        try Self.insertDueReminders(store, count: 10)
        let a = try #require(store.postgres)
        let b = try PostgresStore.open(settings: a.pool.settings, instanceName: "b")
        let due = try a.dueDeliveries(now: Self.now, limit: 10, excluding: [])
        // Instance a is in the middle of claiming the first four: their rows are locked.
        let holder = try PostgresConnection(a.pool.settings)
        try holder.execute("BEGIN")
        let firstFour = due.prefix(4).map { String($0.delivery.id) }.joined(separator: ",")
        try holder.execute("SELECT id FROM delivery WHERE id IN (\(firstFour)) FOR UPDATE")
        let started = ContinuousClock.now
        let byB = try b.claim(due, skipping: [], now: Self.now).sending
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect(Set(byB.map(\.delivery.id)) == Set(due.dropFirst(4).map(\.delivery.id)))
        try holder.execute("ROLLBACK")
        let byA = try a.claim(due, skipping: [], now: Self.now).sending
        #expect(Set(byA.map(\.delivery.id)) == Set(due.prefix(4).map(\.delivery.id)))
        #expect(try store.integer("SELECT COUNT(*) FROM delivery WHERE claimed_by = 'b'") == 6)
        #expect(try store.integer("SELECT COUNT(*) FROM attempt WHERE instance = 'a'") == 4)
    }

    @Test func twoInstancesClaimingTheSameDueRowsTogetherNeverShareOne() async throws {
        let store = try await StoreEngine.postgresql.openNew()
        try Self.insertDueReminders(store, count: 200)
        let settings = try #require(store.postgres).pool.settings
        let instances = try (0..<4).map { try PostgresStore.open(settings: settings, instanceName: "i\($0)") }
        let due = try instances[0].dueDeliveries(now: Self.now, limit: 500, excluding: [])
        let (claims, errors) = try await ThrowawayPostgres.blocking {
            let results = Mutex<(ids: [[Int64]], errors: [String])>(([], []))
            DispatchQueue.concurrentPerform(iterations: instances.count) { index in
                // Each takes the rows in its own order, so that they meet in the middle.
                let order = index % 2 == 0 ? due : due.reversed()
                do {
                    let claimed = try instances[index].claim(Array(order), skipping: [], now: Self.now).sending
                    results.withLock { $0.ids.append(claimed.map(\.delivery.id)) }
                } catch {
                    results.withLock { $0.errors.append("\(error)") }
                }
            }
            return results.withLock { $0 }
        }
        #expect(errors.isEmpty)
        let all = claims.flatMap { $0 }
        #expect(all.count == Set(all).count, "a row was claimed by two instances")
        // A row one instance skipped was locked by another, which claimed it.
        #expect(all.count == 200)
        #expect(try store.integer("SELECT COUNT(*) FROM delivery WHERE state = 'sending'") == all.count)
        #expect(try store.integer("SELECT COUNT(*) FROM attempt") == all.count)
    }

    @Test func anExpiredLeaseIsTakenBackAndTheFormerHoldersVerdictIsIgnored() async throws {
        let store = try await StoreEngine.postgresql.openNew()
        try Self.insertDueReminders(store, count: 3)
        let a = try #require(store.postgres)
        let b = try PostgresStore.open(settings: a.pool.settings, instanceName: "b")
        let due = try a.dueDeliveries(now: Self.now, limit: 10, excluding: [])
        let heldByA = try a.claim(due, skipping: [], now: Self.now).sending
        #expect(heldByA.count == 3)
        // Leases run on the server's clock: none has expired yet, and b takes nothing back.
        #expect(try b.reclaimExpiredLeases(now: Self.now) == 0)
        #expect(try b.recoverInterruptedSends(now: Self.now) == 0)
        // a is gone longer than its lease (its rows' leases moved into the past).
        try store.execute("UPDATE delivery SET lease_expires_at = now() - interval '1 second' WHERE claimed_by = 'a'")
        #expect(try b.reclaimExpiredLeases(now: Self.now) == 3)
        let byB = try b.claim(try b.dueDeliveries(now: Self.now, limit: 10, excluding: []), skipping: [], now: Self.now)
        #expect(byB.sending.map(\.delivery.attempts) == [2, 2, 2])
        // a comes back and reports: the rows are b's now, so nothing of a's is written.
        try a.record(Self.sent(heldByA, at: Self.now))
        #expect(try store.integer("SELECT COUNT(*) FROM delivery WHERE state = 'sending' AND claimed_by = 'b'") == 3)
        try b.record(Self.sent(byB.sending, at: Self.now))
        #expect(try store.integer("SELECT COUNT(*) FROM delivery WHERE state = 'sent'") == 3)
        #expect(try store.integer("SELECT COUNT(*) FROM attempt WHERE outcome = 'interrupted'") == 3)
    }

    @Test func instancesCountTheirDeliveriesInRowsOfTheirOwn() async throws {
        let store = try await StoreEngine.postgresql.openNew()
        try Self.insertDueReminders(store, count: 6)
        let a = try #require(store.postgres)
        let b = try PostgresStore.open(settings: a.pool.settings, instanceName: "b")
        let due = try a.dueDeliveries(now: Self.now, limit: 10, excluding: [])
        let byA = try a.claim(Array(due.prefix(2)), skipping: [], now: Self.now).sending
        let byB = try b.claim(Array(due.dropFirst(2)), skipping: [], now: Self.now).sending
        try a.record(Self.sent(byA, at: Self.now))
        try b.record(Self.sent(byB, at: Self.now))
        #expect(try store.integer("SELECT value FROM counter WHERE name = 'delivery.sent' AND instance = 'a'") == 2)
        #expect(try store.integer("SELECT value FROM counter WHERE name = 'delivery.sent' AND instance = 'b'") == 4)
        #expect(try store.integer("SELECT SUM(value) FROM counter WHERE name = 'delivery.sending'") == 0)
    }
}
