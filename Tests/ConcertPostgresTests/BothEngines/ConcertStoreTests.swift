import ConcertCore
import ConcertPostgres
import Foundation
import PostgresTestSupport
import Synchronization
import Testing

/// The concerts through ``ConcertStore`` on both engines: the catalog import with its changes and
/// cancellations, concertctl's changes, the reminders and notices they plan, and the reads.
@Suite(.timeLimit(.minutes(3)))
struct ConcertStoreTests {
    /// 2030-01-01T00:00Z.
    static let now = Date(timeIntervalSince1970: 1_893_456_000)

    static func day(_ n: Double) -> Date { now.addingTimeInterval(n * 86_400) }

    static func concert(_ id: String, _ cities: [String], day n: Double, title: String = "Talk") -> Concert {
        Concert(
            id: id, cities: cities, title: LocalizedText(ko: title, en: title),
            venue: LocalizedText(ko: "홀", en: "Hall"),
            schedule: .timed(start: day(n), end: day(n).addingTimeInterval(7200)))
    }

    static func catalog(_ concerts: [Concert]) -> Catalog {
        Catalog(cities: [], concerts: concerts, infoURL: "https://www.example.org")
    }

    static let catalog = catalog([
        concert("c-seoul", ["seoul"], day: 10), concert("c-busan", ["busan"], day: 20),
        concert("c-joint", ["seoul", "busan"], day: 30),
    ])

    /// A webhook subscription of `cities` stored as it is, with nothing planned for it.
    static func subscribe(
        _ store: OpenedStore, _ id: String, _ cities: [String], offsets: String = "604800,86400",
        state: String = "active"
    ) throws {
        let t = Int64(now.timeIntervalSince1970 * 1000)
        try store.execute(
            """
            INSERT INTO subscription (id, channel, target, format, secret, destination, cities, offsets, lang, label,
                state, state_reason, created_at, updated_at)
            VALUES ('\(id)', 'webhook', 'https://hooks.example.org/\(id)', 'generic', NULL, 'hooks.example.org:443',
                '\(cities.joined(separator: ","))', '\(offsets)', 'en', NULL, '\(state)', NULL, \(t), \(t))
            """)
        for city in cities {
            try store.execute("INSERT INTO subscription_city (city_id, subscription_id) VALUES ('\(city)', '\(id)')")
        }
    }

    /// The delivery rows as `subscription concert rREVISION kind offset state(reason)`, in id order.
    static func rows(_ store: OpenedStore, where condition: String = "1 = 1") throws -> [String] {
        try store.lines(
            """
            SELECT subscription_id || ' ' || concert_id || ' r' || concert_revision || ' ' || kind || ' '
                || offset_seconds || ' ' || state || COALESCE('(' || reason || ')', '')
            FROM delivery WHERE \(condition) ORDER BY id
            """)
    }

    @Test(arguments: StoreEngine.allCases)
    func anImportAddsTheConcertsPlansTheirRowsAndASecondImportChangesNothing(engine: StoreEngine) async throws {
        let store = try await engine.openNew()
        try Self.subscribe(store, "s-seoul", ["seoul"])
        try Self.subscribe(store, "s-busan", ["busan"], offsets: "86400")
        let changes = try store.concertStore.importCatalog(Self.catalog, now: Self.now)
        #expect(changes.added == ["c-seoul", "c-busan", "c-joint"])
        #expect(changes.noticesQueued == 4)
        #expect(
            Set(try Self.rows(store)) == [
                "s-seoul c-seoul r1 reminder 604800 scheduled", "s-seoul c-seoul r1 reminder 86400 scheduled",
                "s-seoul c-seoul r1 new_concert 0 scheduled", "s-busan c-busan r1 reminder 86400 scheduled",
                "s-busan c-busan r1 new_concert 0 scheduled", "s-seoul c-joint r1 reminder 604800 scheduled",
                "s-seoul c-joint r1 reminder 86400 scheduled", "s-seoul c-joint r1 new_concert 0 scheduled",
                "s-busan c-joint r1 reminder 86400 scheduled", "s-busan c-joint r1 new_concert 0 scheduled",
            ])
        // A reminder is due its offset before the start; a notice at once.
        #expect(
            try store.integer(
                "SELECT due_at FROM delivery WHERE concert_id = 'c-seoul' AND offset_seconds = 86400")
                == Int(Self.day(9).timeIntervalSince1970 * 1000))
        #expect(try store.integer("SELECT SUM(value) FROM counter WHERE name = 'delivery.scheduled'") == 10)

        let again = try store.concertStore.importCatalog(Self.catalog, now: Self.now, previous: Self.catalog)
        #expect(again.isEmpty)
        #expect(again.noticesQueued == 0)
        #expect(try Self.rows(store).count == 10)
        #expect(try store.concertStore.concerts().map(\.concert.id) == ["c-seoul", "c-busan", "c-joint"])
        let stored = try #require(try store.concertStore.concert(id: "c-joint"))
        #expect(stored == StoredConcert(concert: Self.catalog.concerts[2], origin: .catalog, revision: 1))
        #expect(try store.concertStore.concert(id: "c-none") == nil)
    }

    @Test(arguments: StoreEngine.allCases)
    func aChangedFileRevisesUpdatesAndCancelsAndTellsWhoHeard(engine: StoreEngine) async throws {
        let store = try await engine.openNew()
        try Self.subscribe(store, "s-seoul", ["seoul"])
        try Self.subscribe(store, "s-busan", ["busan"], offsets: "86400")
        try store.concertStore.importCatalog(Self.catalog, now: Self.now)
        // s-seoul has heard of c-seoul; nobody has heard of the others.
        try store.execute(
            "UPDATE delivery SET state = 'sent' WHERE subscription_id = 's-seoul' AND concert_id = 'c-seoul' AND kind = 'new_concert'"
        )
        try store.execute(
            "UPDATE delivery SET state = 'sent' WHERE subscription_id = 's-seoul' AND concert_id = 'c-seoul' AND offset_seconds = 604800"
        )
        let later = Self.day(1)
        var file = Self.catalog
        file.concerts[0].schedule = .timed(start: Self.day(11), end: Self.day(11).addingTimeInterval(7200))
        file.concerts[1].title = LocalizedText(ko: "새 제목", en: "New title")
        file.concerts.remove(at: 2)
        let changes = try store.concertStore.importCatalog(file, now: later, previous: Self.catalog)
        #expect(changes.revised == ["c-seoul"])
        #expect(changes.updated == ["c-busan"])
        #expect(changes.cancelled == ["c-joint"])
        #expect(changes.noticesQueued == 1, "only s-seoul heard of c-seoul; nobody of c-joint")
        #expect(changes.subscriptionsNotTold == 2)
        #expect(
            try Self.rows(store, where: "concert_id = 'c-seoul'") == [
                "s-seoul c-seoul r1 reminder 604800 sent", "s-seoul c-seoul r1 reminder 86400 skipped(revised)",
                "s-seoul c-seoul r1 new_concert 0 sent",
                // The 7-day reminder was sent for the first revision: not planned again.
                "s-seoul c-seoul r2 reminder 86400 scheduled", "s-seoul c-seoul r2 change 0 scheduled",
            ])
        #expect(
            Set(try Self.rows(store, where: "concert_id = 'c-joint'"))
                == [
                    "s-seoul c-joint r1 reminder 604800 skipped(cancelled)",
                    "s-seoul c-joint r1 reminder 86400 skipped(cancelled)",
                    "s-seoul c-joint r1 new_concert 0 skipped(cancelled)",
                    "s-busan c-joint r1 reminder 86400 skipped(cancelled)",
                    "s-busan c-joint r1 new_concert 0 skipped(cancelled)",
                ])
        let joint = try #require(try store.concertStore.concert(id: "c-joint"))
        #expect(joint.concert.status == .cancelled)
        #expect(joint.revision == 2)
        #expect(joint.concert.notes == ["Removed from the catalog file; treated as cancelled."])
        let busan = try #require(try store.concertStore.concert(id: "c-busan"))
        #expect(busan.revision == 1)
        #expect(busan.concert.title?.en == "New title")
        // A cancelled concert the file still lacks is not cancelled twice.
        #expect(try store.concertStore.importCatalog(file, now: later, previous: file).isEmpty)
    }

    @Test(arguments: StoreEngine.allCases)
    func anAdminVersionIsKeptByImportsUntilReturnedToTheCatalog(engine: StoreEngine) async throws {
        let store = try await engine.openNew()
        let concerts = store.concertStore
        try concerts.importCatalog(Self.catalog, now: Self.now)
        let moved = try concerts.changeConcert(id: "c-busan", now: Self.now) {
            $0.venue = LocalizedText(ko: "새 홀", en: "New hall")
        }
        #expect(moved.revised == ["c-busan"])
        #expect(try concerts.concert(id: "c-busan")?.origin == .admin)
        #expect(try concerts.concert(id: "c-busan")?.revision == 2)
        // A change that leaves a concert as it was writes nothing: it keeps following the catalog.
        #expect(try concerts.changeConcert(id: "c-seoul", now: Self.now) { _ in }.isEmpty)
        #expect(try concerts.concert(id: "c-seoul")?.origin == .catalog)
        #expect(throws: StoreError.self) { try concerts.changeConcert(id: "c-none", now: Self.now) { _ in } }

        let encore = Self.concert("c-encore", ["seoul"], day: 40)
        #expect(try concerts.addConcert(encore, now: Self.now).added == ["c-encore"])
        #expect(try concerts.concert(id: "c-encore")?.origin == .admin)
        let twice = #expect(throws: StoreError.self) { try concerts.addConcert(encore, now: Self.now) }
        #expect(twice?.code == .conflict)

        // The file's entry differs from the admin version and changed since the catalog in force.
        var file = Self.catalog
        file.concerts[1].title = LocalizedText(ko: "새 제목", en: "New title")
        let kept = try concerts.importCatalog(file, now: Self.now, previous: Self.catalog)
        #expect(kept.keptAdminVersion == ["c-busan"])
        #expect(kept.isEmpty)
        #expect(try concerts.concert(id: "c-busan")?.concert.venue?.en == "New hall")
        #expect(try concerts.importCatalog(file, now: Self.now, previous: file).keptAdminVersion.isEmpty)
        #expect(try concerts.importCatalog(file, now: Self.now).keptAdminVersion == ["c-busan"], "no previous: named")

        // The file drops both admin concerts: the one it listed before is named, neither is cancelled.
        let dropped = Self.catalog([file.concerts[0], file.concerts[2]])
        let removed = try concerts.importCatalog(dropped, now: Self.now, previous: file)
        #expect(removed.keptAdminVersionOfRemoved == ["c-busan"])
        #expect(removed.cancelled.isEmpty)
        #expect(try concerts.concert(id: "c-busan")?.concert.status == .scheduled)

        let returned = try concerts.returnConcertToCatalog(file.concerts[1], now: Self.now)
        #expect(returned.revised == ["c-busan"])
        let back = try #require(try concerts.concert(id: "c-busan"))
        #expect(back == StoredConcert(concert: file.concerts[1], origin: .catalog, revision: 3))
        let already = #expect(throws: StoreError.self) {
            try concerts.returnConcertToCatalog(file.concerts[1], now: Self.now)
        }
        #expect(already?.code == .conflict)
        let unknown = #expect(throws: StoreError.self) {
            try concerts.returnConcertToCatalog(Self.concert("c-none", ["seoul"], day: 5), now: Self.now)
        }
        #expect(unknown?.code == .notFound)
    }

    @Test(arguments: StoreEngine.allCases)
    func countsUsageAndListingsReadWhatIsStored(engine: StoreEngine) async throws {
        let store = try await engine.openNew()
        let concerts = store.concertStore
        var file = Self.catalog
        file.concerts.append(Self.concert("c-past", ["seoul"], day: -5))
        try concerts.importCatalog(file, now: Self.now)
        try concerts.addConcert(Self.concert("c-daegu", ["daegu"], day: 15), now: Self.now)
        try concerts.addConcert(Self.concert("c-daegu-gone", ["daegu"], day: 16), now: Self.now)
        try concerts.changeConcert(id: "c-daegu-gone", now: Self.now) { $0.status = .cancelled }
        try Self.subscribe(store, "s-paused", ["daegu", "seoul"], state: "paused")
        try Self.subscribe(store, "s-removed", ["daegu"], state: "removed")

        #expect(try concerts.concertCounts(now: Self.now) == ["upcoming": 4, "over": 1, "cancelled": 1])
        #expect(
            try concerts.usage(ofCities: ["daegu", "seoul", "nowhere"], now: Self.now) == [
                "daegu": CityUsage(subscriptions: 1, concerts: ["c-daegu"]),
                "seoul": CityUsage(subscriptions: 1, concerts: []),
            ])
        #expect(try concerts.usage(ofCities: [], now: Self.now).isEmpty)
        #expect(
            try concerts.usageOfCities(notIn: ["seoul", "busan"], now: Self.now) == [
                "daegu": CityUsage(subscriptions: 1, concerts: ["c-daegu"])
            ])
        // Once the admin concert is over, only the subscription names the city.
        #expect(
            try concerts.usageOfCities(notIn: ["seoul", "busan"], now: Self.day(20)) == [
                "daegu": CityUsage(subscriptions: 1)
            ])

        // Page by page in start order.
        var seen: [String] = []
        var position: ListingPosition.Concert?
        while true {
            let page = try concerts.concerts(city: nil, endingAfter: nil, after: position, limit: 2)
            guard let last = page.last else { break }
            seen += page.map(\.entry.concert.id)
            position = last.position
        }
        #expect(seen == ["c-past", "c-seoul", "c-daegu", "c-daegu-gone", "c-busan", "c-joint"])
        #expect(
            try concerts.concerts(city: "seoul", endingAfter: Self.now, after: nil, limit: 10).map(\.entry.concert.id)
                == ["c-seoul", "c-joint"])
        #expect(
            try concerts.concerts(city: "daegu", endingAfter: nil, after: nil, limit: 10).map(\.entry.concert.id)
                == ["c-daegu", "c-daegu-gone"])
        let first = try #require(try concerts.concerts(city: nil, endingAfter: nil, after: nil, limit: 1).first)
        #expect(
            first.position
                == ListingPosition.Concert(startMillis: Int64(Self.day(-5).timeIntervalSince1970 * 1000), id: "c-past"))
    }

    /// The same history of imports and changes leaves the same rows, in the same order, due at the
    /// same moments, on both engines.
    @Test func theSameHistoryLeavesTheSameRowsOnBothEngines() async throws {
        var dumps: [[String]] = []
        for engine in StoreEngine.allCases {
            let store = try await engine.openNew()
            try Self.subscribe(store, "s-seoul", ["seoul"])
            try Self.subscribe(store, "s-both", ["seoul", "busan"], offsets: "86400,3600")
            try Self.subscribe(store, "s-paused", ["busan"], state: "paused")
            let concerts = store.concertStore
            try concerts.importCatalog(Self.catalog, now: Self.now)
            try store.execute("UPDATE delivery SET state = 'sent' WHERE kind = 'new_concert'")
            try concerts.changeConcert(id: "c-joint", now: Self.day(1)) {
                $0.schedule = .timed(start: Self.day(31), end: Self.day(31).addingTimeInterval(3600))
            }
            try concerts.addConcert(Self.concert("c-encore", ["busan"], day: 25), now: Self.day(2))
            var file = Self.catalog
            file.concerts.removeFirst()
            try concerts.importCatalog(file, now: Self.day(3), previous: Self.catalog)
            try concerts.returnConcertToCatalog(Self.catalog.concerts[2], now: Self.day(4))
            dumps.append(
                try store.lines(
                    """
                    SELECT id || ' ' || subscription_id || ' ' || concert_id || ' r' || concert_revision || ' ' || kind
                        || ' ' || offset_seconds || ' ' || due_at || ' ' || COALESCE(deadline_at, -1) || ' '
                        || state || ' ' || COALESCE(reason, '-') || ' ' || COALESCE(next_attempt_at, -1) || ' '
                        || COALESCE(finished_at, -1) || ' ' || COALESCE(detail, '-')
                    FROM delivery ORDER BY id
                    """)
                    + store.lines(
                        """
                        SELECT id || ' ' || origin || ' ' || revision || ' ' || status || ' ' || starts_at || ' '
                            || ends_at || ' ' || reminder_deadline || ' ' || time_announced || ' ' || updated_at
                            || ' ' || body
                        FROM concert ORDER BY id
                        """)
                    + store.lines("SELECT city_id || ' ' || concert_id FROM concert_city ORDER BY city_id, concert_id"))
        }
        #expect(dumps.count == 2)
        #expect(dumps.first?.count ?? 0 > 20)
        #expect(dumps.first == dumps.last)
    }

    // MARK: Several instances on one PostgreSQL database

    /// A concert change holds the planning lock: while another transaction holds it (a subscription
    /// being made through another instance), the change waits for it rather than plan from a
    /// snapshot that lacks the new subscription.
    @Test func aConcertChangeWaitsForAnotherInstancesPlanning() async throws {
        let store = try await StoreEngine.postgresql.openNew()
        let a = try #require(store.postgres)
        let b = try PostgresStore.open(settings: a.pool.settings, instanceName: "b")
        try a.importCatalog(Self.catalog, now: Self.now)
        let holder = try PostgresConnection(a.pool.settings)
        try holder.execute("BEGIN")
        try holder.execute("SELECT pg_advisory_xact_lock(\(0x636F_6E63_706C_616E))")
        // The other instance's subscription, not yet committed.
        let t = Int64(Self.now.timeIntervalSince1970 * 1000)
        try holder.execute(
            """
            INSERT INTO subscription (id, channel, target, format, secret, destination, cities, offsets, lang, label,
                state, state_reason, created_at, updated_at)
            VALUES ('s-new', 'webhook', 'https://hooks.example.org/new', 'generic', NULL, 'hooks.example.org:443',
                'seoul', '86400', 'en', NULL, 'active', NULL, \(t), \(t));
            INSERT INTO subscription_city (city_id, subscription_id) VALUES ('seoul', 's-new')
            """)
        let finished = Finished()
        let change = Task.detached {
            defer { finished.flag.store(true, ordering: .sequentiallyConsistent) }
            return try b.addConcert(Self.concert("c-encore", ["seoul"], day: 12), now: Self.now)
        }
        try await Task.sleep(for: .milliseconds(500))
        let waited = !finished.flag.load(ordering: .sequentiallyConsistent)
        #expect(waited, "the change did not wait for the lock")
        try holder.execute("COMMIT")
        let changes = try await change.value
        #expect(changes.noticesQueued == 1, "the change saw the subscription committed before it")
        #expect(
            try Self.rows(store, where: "subscription_id = 's-new'") == [
                "s-new c-encore r1 reminder 86400 scheduled", "s-new c-encore r1 new_concert 0 scheduled",
            ])
    }
}

/// Whether a call on another thread has returned.
private final class Finished: Sendable {
    let flag = Atomic<Bool>(false)
}
