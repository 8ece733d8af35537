import ConcertCore
import ConcertPostgres
import Foundation
import PostgresTestSupport
import Synchronization
import Testing

/// The lock order of the PostgreSQL store, seen from a second instance: every transaction that
/// plans rows or changes which subscriptions are planned for takes the planning lock first, and
/// every one that makes a subscription takes its target's lock next (`PostgresStore`). Each case
/// holds a lock on a connection of its own, as another instance in the middle of its transaction
/// holds it, with that instance's rows not yet committed, and checks that the store call waits and
/// then sees those rows. Only a shared store can interleave so: these cases are PostgreSQL's alone.
@Suite(.timeLimit(.minutes(3)))
struct StoreLockOrderTests {
    static let now = ConcertStoreTests.now
    /// `pg_advisory_xact_lock(key)` of the planning lock.
    static let planningLock = "SELECT pg_advisory_xact_lock(\(0x636F_6E63_706C_616E))"
    static let encore = ConcertStoreTests.concert("c-encore", ["seoul"], day: 12)
    static let webhook = NewSubscription(
        channel: .webhook(url: "https://hooks.example.org/new", format: "generic", secret: nil), cities: ["seoul"],
        offsets: [ReminderOffset(seconds: 86_400)], language: .en)

    /// Two instances on a new database holding the test catalog.
    static func instances() async throws -> (store: OpenedStore, a: PostgresStore, b: PostgresStore) {
        let store = try await StoreEngine.postgresql.openNew()
        let a = try #require(store.postgres)
        try a.importCatalog(ConcertStoreTests.catalog, now: now)
        return (store, a, try PostgresStore.open(settings: a.pool.settings, instanceName: "b"))
    }

    /// Another instance in the middle of a concert change: the planning lock held and
    /// ``encore`` added to Seoul, not yet committed.
    static func concertChangeInFlight(_ a: PostgresStore) throws -> PostgresConnection {
        let holder = try PostgresConnection(a.pool.settings)
        try holder.execute("BEGIN")
        try holder.execute(planningLock)
        let body = String(decoding: try JSONEncoder().encode(encore), as: UTF8.self)
        let schedule = encore.schedule
        try holder.execute(
            """
            INSERT INTO concert (id, origin, revision, status, starts_at, ends_at, reminder_deadline,
                time_announced, body, created_at, updated_at)
            VALUES ('c-encore', 'admin', 1, 'scheduled', \(schedule.start.millis), \(schedule.end.millis),
                \(schedule.reminderDeadline.millis), 1, \(StoreFixtures.quoted(body)), \(now.millis), \(now.millis));
            INSERT INTO concert_city (city_id, concert_id) VALUES ('seoul', 'c-encore')
            """)
        return holder
    }

    /// Runs `call` on another thread while `holder`'s transaction is open; commits it after half a
    /// second. Returns whether `call` was still waiting then, and what it returned.
    static func whileHeld<T: Sendable>(
        by holder: PostgresConnection, _ call: @escaping @Sendable () throws -> T
    ) async throws -> (waited: Bool, result: T) {
        let finished = Finished()
        let task = Task.detached {
            defer { finished.flag.store(true, ordering: .sequentiallyConsistent) }
            return try call()
        }
        try await Task.sleep(for: .milliseconds(500))
        let waited = !finished.flag.load(ordering: .sequentiallyConsistent)
        try holder.execute("COMMIT")
        return (waited, try await task.value)
    }

    /// The reminders of ``encore`` planned for a subscription.
    static func encoreRows(_ store: OpenedStore, _ id: String) throws -> [String] {
        try ConcertStoreTests.rows(store, where: "subscription_id = '\(id)' AND concert_id = 'c-encore'")
    }

    @Test func aSubscriptionMadeDuringAConcertChangeWaitsAndGetsTheConcertsReminders() async throws {
        let (store, a, b) = try await Self.instances()
        let holder = try Self.concertChangeInFlight(a)
        let (waited, _) = try await Self.whileHeld(by: holder) {
            try b.createSubscription(Self.webhook, now: Self.now, confirm: false, id: "s-new")
        }
        #expect(waited, "the subscription did not wait for the planning lock")
        #expect(try Self.encoreRows(store, "s-new") == ["s-new c-encore r1 reminder 86400 scheduled"])
    }

    @Test func aResumeDuringAConcertChangeWaitsAndGetsTheConcertsReminders() async throws {
        let (store, a, b) = try await Self.instances()
        try a.createSubscription(Self.webhook, now: Self.now, confirm: false, id: "s-new")
        try a.setSubscriptionState(id: "s-new", to: .paused, reason: nil, now: Self.now)
        let holder = try Self.concertChangeInFlight(a)
        let (waited, _) = try await Self.whileHeld(by: holder) {
            try b.setSubscriptionState(id: "s-new", to: .active, reason: nil, now: Self.now)
        }
        #expect(waited, "the resume did not wait for the planning lock")
        #expect(try Self.encoreRows(store, "s-new") == ["s-new c-encore r1 reminder 86400 scheduled"])
    }

    @Test func anImportDuringAConcertChangeWaitsAndGetsTheConcertsReminders() async throws {
        let (store, a, b) = try await Self.instances()
        let holder = try Self.concertChangeInFlight(a)
        let (waited, stored) = try await Self.whileHeld(by: holder) {
            try b.importSubscriptions(now: Self.now) { importer in _ = try importer.add(Self.webhook, id: "s-new") }
        }
        #expect(waited, "the import did not wait for the planning lock")
        #expect(stored == 1)
        #expect(try Self.encoreRows(store, "s-new") == ["s-new c-encore r1 reminder 86400 scheduled"])
    }

    /// Another instance in the middle of `concertctl subscribe`: the lock of `target` held and
    /// the subscription `s-control` (an email to `target` for Busan, a day before, in English)
    /// inserted, not yet committed.
    static func subscriptionInFlight(_ a: PostgresStore, target: String) throws -> PostgresConnection {
        let holder = try PostgresConnection(a.pool.settings)
        try holder.execute("BEGIN")
        try holder.execute(
            "SELECT pg_advisory_xact_lock(\(0x7375_6273)::int, hashtext(\(StoreFixtures.quoted(target))))")
        let t = now.millis
        try holder.execute(
            """
            INSERT INTO subscription (id, channel, target, format, secret, destination, cities, offsets, lang, label,
                state, state_reason, created_at, updated_at)
            VALUES ('s-control', 'email', \(StoreFixtures.quoted(target)), NULL, NULL, 'example.org', 'busan',
                '86400', 'en', NULL, 'active', NULL, \(t), \(t));
            INSERT INTO subscription_city (city_id, subscription_id) VALUES ('busan', 's-control')
            """)
        return holder
    }

    /// A web confirmation takes the lock of its request's target, as `concertctl subscribe` does:
    /// while another instance makes the same subscription, the confirmation waits, then finds that
    /// subscription rather than make a second.
    @Test func aWebConfirmationWaitsForTheSameSubscriptionBeingMadeElsewhere() async throws {
        let store = try await WebFrontDoorStoreTests.open(.postgresql)
        let a = try #require(store.postgres)
        let b = try PostgresStore.open(settings: a.pool.settings, instanceName: "b")
        let request = WebFrontDoorStoreTests.request()
        #expect(try a.requestWebSubscription(request, limits: [], now: Self.now) == .kept)
        let target = request.subscription.channel.target
        let holder = try Self.subscriptionInFlight(a, target: target)
        let (waited, outcome) = try await Self.whileHeld(by: holder) {
            try b.confirmWebSubscription(requestID: request.id, confirm: false, now: Self.now)
        }
        #expect(waited, "the confirmation did not wait for its target's lock")
        #expect(outcome == .confirmed(subscriptionID: "s-control"))
        #expect(
            try store.integer("SELECT COUNT(*) FROM subscription WHERE target = \(StoreFixtures.quoted(target))") == 1)
    }

    /// An undo of a web removal makes a subscription too, under its target's lock: it waits for the
    /// same subscription being made elsewhere and leads to it.
    @Test func anUndoWaitsForTheSameSubscriptionBeingMadeElsewhere() async throws {
        let store = try await WebFrontDoorStoreTests.open(.postgresql)
        let a = try #require(store.postgres)
        let b = try PostgresStore.open(settings: a.pool.settings, instanceName: "b")
        let removed = try WebFrontDoorStoreTests.subscribe(store, "kim@example.org")
        _ = try a.removeSubscriptions(ids: [removed], reason: "one click", now: Self.now)
        let holder = try Self.subscriptionInFlight(a, target: "kim@example.org")
        let (waited, outcome) = try await Self.whileHeld(by: holder) {
            try b.undoRemoval(subscriptionID: removed, now: Self.now)
        }
        #expect(waited, "the undo did not wait for its target's lock")
        #expect(outcome == .restored(subscriptionID: "s-control"))
        #expect(
            try store.integer(
                "SELECT COUNT(*) FROM subscription WHERE target = 'kim@example.org' AND state <> 'removed'")
                == 1)
    }
}

/// Whether a call on another thread has returned.
private final class Finished: Sendable {
    let flag = Atomic<Bool>(false)
}
