import ConcertCore
import ConcertShared
import Foundation
import Testing

/// Each store method is one transaction (`ConcertdStore`) on both engines: one stopped midway
/// leaves nothing behind; what a subscription stores with it.
@Suite(.timeLimit(.minutes(3)))
struct StoreTransactionTests {
    let now = StoreFixtures.now

    /// A new store of `engine` holding the shipped catalog, imported as the daemon imports it.
    static func opened(_ engine: StoreEngine, now: Date = StoreFixtures.now) async throws -> OpenedStore {
        let store = try await engine.openNew()
        _ = try store.concertStore.importCatalog(StoreFixtures.catalog, now: now)
        return store
    }

    @Test(arguments: StoreEngine.allCases)
    func subscriptionInterruptedMidwayLeavesNothingBehind(engine: StoreEngine) async throws {
        let store = try await Self.opened(engine)
        // The third delivery row of the transaction fails, as a full disk or a crash would stop it.
        try store.interruptInserts(into: "delivery", after: 2)
        let new = NewSubscription(channel: .email("a@example.org"), cities: ["busan"])
        #expect(throws: (any Error).self) { try store.subscriptionStore.createSubscription(new, now: now) }
        #expect(try store.count("subscription") == 0)
        #expect(try store.count("subscription_city") == 0)
        #expect(try store.count("delivery") == 0)
        #expect(try store.history.counters().filter { $0.value != 0 }.isEmpty)
    }

    @Test(arguments: StoreEngine.allCases)
    func catalogImportInterruptedMidwayLeavesNothingBehind(engine: StoreEngine) async throws {
        let store = try await engine.openNew()
        try store.interruptInserts(into: "concert", after: 7)
        #expect(throws: (any Error).self) { try store.concertStore.importCatalog(StoreFixtures.catalog, now: now) }
        #expect(try store.count("concert") == 0)
        #expect(try store.count("concert_city") == 0)
    }

    @Test(arguments: StoreEngine.allCases)
    func subscriptionIsStoredWithItsRemindersAndConfirmation(engine: StoreEngine) async throws {
        let store = try await Self.opened(engine)
        let new = NewSubscription(channel: .email("a@example.org"), cities: ["gongju"], language: .en, label: "office")
        let (subscription, next) = try store.subscriptionStore.createSubscription(new, now: now)
        #expect(next?.concert.id == "gongju-buyeo-2019")
        let rows = try store.lines("SELECT kind || ' ' || due_at FROM delivery ORDER BY due_at, kind").map {
            $0.split(separator: " ").map(String.init)
        }
        #expect(rows.map { $0[0] } == ["confirmation", "reminder", "reminder", "reminder"])
        #expect(
            rows.dropFirst().map { KoreaTime.iso8601(Date(millis: Int64($0[1]) ?? 0)) } == [
                "2019-10-17T14:00:00+09:00", "2019-10-23T14:00:00+09:00", "2019-10-24T13:00:00+09:00",
            ])
        #expect(try store.subscriptionStore.subscription(id: subscription.id) == subscription)
    }
}

@Suite(.timeLimit(.minutes(3)))
struct BulkImportTests {
    let now = StoreFixtures.now

    @Test(arguments: StoreEngine.allCases)
    func bulkImportPlansTheSameRemindersAsOneByOne(engine: StoreEngine) async throws {
        let single = try await StoreTransactionTests.opened(engine)
        let bulk = try await StoreTransactionTests.opened(engine)
        let news = [
            NewSubscription(channel: .email("a@example.org"), cities: ["gongju", "buyeo"]),
            NewSubscription(
                channel: .webhook(url: "https://h.example.org/x", format: "slack", secret: nil),
                cities: ["sejong", "daegu"], offsets: try ReminderOffset.parseList("3h,2d"), language: .en),
        ]
        for new in news { _ = try single.subscriptionStore.createSubscription(new, now: now, confirm: false) }
        let imported = try bulk.subscriptionStore.importSubscriptions(news, now: now)
        #expect(imported.count == 2)
        func plan(_ store: OpenedStore) throws -> [String] {
            try store.lines(
                """
                SELECT s.target || ' ' || d.concert_id || ' ' || d.offset_seconds || ' ' || d.due_at || ' '
                    || COALESCE(CAST(d.deadline_at AS TEXT), '-') || ' ' || d.state
                FROM delivery d JOIN subscription s ON s.id = d.subscription_id
                """
            ).sorted()
        }
        #expect(try plan(single) == plan(bulk))
        #expect(try plan(bulk).count == 3 + 2 + 2)
        #expect(try bulk.history.counters()["delivery.scheduled"] == 7)
        #expect(try bulk.history.counters()["subscription.active"] == 2)
    }

    @Test(arguments: StoreEngine.allCases)
    func anImportInterruptedMidwayLeavesNothingBehind(engine: StoreEngine) async throws {
        let store = try await StoreTransactionTests.opened(engine)
        try store.interruptInserts(into: "delivery", after: 40)
        let news = (0..<20).map { NewSubscription(channel: .email("user\($0)@example.org"), cities: ["busan"]) }
        #expect(throws: (any Error).self) { try store.subscriptionStore.importSubscriptions(news, now: now) }
        #expect(try store.count("subscription") + store.count("delivery") == 0)
        #expect(try store.history.counters().values.allSatisfy { $0 == 0 })
    }
}

/// The running counters (`ConcertdStore`, "counters") on both engines: kept with every change,
/// never counted from the rows when read.
@Suite(.timeLimit(.minutes(3)))
struct RunningCounterTests {
    let now = StoreFixtures.now

    /// The counters as they should be: the rows counted.
    func counted(_ store: OpenedStore) throws -> [String: Int] {
        let lines = try store.lines(
            """
            SELECT 'delivery.' || state || '=' || COUNT(*) FROM delivery GROUP BY state
            UNION ALL SELECT 'subscription.' || state || '=' || COUNT(*) FROM subscription GROUP BY state
            UNION ALL SELECT 'subscription_source.' || source || '.' || state || '=' || COUNT(*)
                FROM subscription GROUP BY source, state
            """)
        return lines.reduce(into: [:]) { counts, line in
            let parts = line.split(separator: "=")
            counts[String(parts[0])] = Int(parts[1])
        }
    }

    /// The counters of rows now (the totals of finished deliveries, `finished.…`, count moves).
    func kept(_ store: OpenedStore) throws -> [String: Int] {
        try store.history.counters().filter { $0.value != 0 && !$0.key.hasPrefix("finished.") }
    }

    @Test(arguments: StoreEngine.allCases)
    func countersMatchTheRowsAfterImportsSubscribesAndStateChanges(engine: StoreEngine) async throws {
        let store = try await StoreTransactionTests.opened(engine)
        let subscriptions = store.subscriptionStore
        let imported = try subscriptions.importSubscriptions(
            (0..<50).map { NewSubscription(channel: .email("user\($0)@example.org"), cities: ["busan", "sejong"]) },
            now: now)
        #expect(try kept(store) == counted(store))
        let (single, _) = try subscriptions.createSubscription(
            NewSubscription(channel: .email("a@example.org"), cities: ["gongju"]), now: now)
        #expect(try kept(store) == counted(store))
        try subscriptions.setSubscriptionState(id: imported[0].id, to: .paused, now: now)
        let skippedByPause = try counted(store)["delivery.skipped", default: 0]
        #expect(skippedByPause > 0)
        try subscriptions.setSubscriptionState(id: imported[0].id, to: .active, now: now)
        #expect(try counted(store)["delivery.skipped", default: 0] == 0, "the resume revived them")
        try subscriptions.setSubscriptionState(id: single.id, to: .removed, now: now)
        let skippedByRemoval = try counted(store)["delivery.skipped", default: 0]
        _ = try store.sending.createTestDelivery(subscriptionID: imported[1].id, now: now)
        #expect(try kept(store) == counted(store))
        // The totals keep every move into a final state: the resume took nothing back.
        let totals = try store.history.counters().filter { $0.key.hasPrefix("finished.skipped.") }
        #expect(totals.values.reduce(0, +) == skippedByPause + skippedByRemoval, "\(totals)")
        #expect(try store.history.counters()["delivery.sending"] == 1)
        #expect(try store.history.counters()["subscription.active"] == 50)
    }

    @Test(arguments: StoreEngine.allCases)
    func importedIDsAscendInTheOrderGivenAndLookLikeOthers(engine: StoreEngine) async throws {
        let store = try await StoreTransactionTests.opened(engine).subscriptionStore
        let news = (0..<40).map { NewSubscription(channel: .email("user\($0)@example.org"), cities: ["busan"]) }
        let first = try store.importSubscriptions(news, now: now).map(\.id)
        let second = try store.importSubscriptions(
            news.map { NewSubscription(channel: $0.channel, cities: ["daegu"]) }, now: now
        )
        .map(\.id)
        #expect(first == first.sorted())
        #expect(Set(first + second).count == 80)
        #expect(first[0].count == Subscription.makeID().count && first[0].hasPrefix("sub-"))
        // SQLite draws a prefix for each import; PostgreSQL continues its last import's prefix
        // while no other subscription took it (a request of `subscribe --from` is an import).
        switch engine {
        case .sqlite: #expect(first[0].prefix(9) != second[0].prefix(9), "each import has its own prefix")
        case .postgresql: #expect(second == second.sorted() && first.last! < second[0], "the ids continue")
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func aReservedIDBlockGivesIDsNoStoredSubscriptionHasAndTheImportStoresThem(engine: StoreEngine) async throws {
        let store = try await StoreTransactionTests.opened(engine).subscriptionStore
        let stored = try store.importSubscriptions(
            [NewSubscription(channel: .email("a@example.org"), cities: ["busan"])], now: now)
        let taken = String(stored[0].id.prefix(9))
        var block = try store.reserveSubscriptionIDBlock(avoiding: ["sub-other"])
        #expect(block.prefix != taken && block.prefix != "sub-other")
        let ids = (0..<3).compactMap { _ in block.next() }
        #expect(ids == ids.sorted() && Set(ids).count == 3 && ids.allSatisfy { $0.hasPrefix(block.prefix) })
        #expect(ids[0].count == Subscription.makeID().count)
        let news = (0..<3).map { NewSubscription(channel: .email("user\($0)@example.org"), cities: ["busan"]) }
        var freeBefore = false
        var added: [String] = []
        try store.importSubscriptions(now: now) { importer in
            freeBefore = try importer.isFree(block)
            for (new, id) in zip(news, ids) { added.append(try importer.add(new, id: id)) }
        }
        #expect(freeBefore)
        #expect(added == ids)
        #expect(try ids.allSatisfy { try store.subscription(id: $0) != nil })
        var freeAfter = true
        try store.importSubscriptions(now: now) { importer in freeAfter = try importer.isFree(block) }
        #expect(!freeAfter, "once one of its ids is stored, the block is not free")
    }
}

/// Each subscription says how it was made, counted per state and source in the running
/// counters; finished deliveries are counted by state, kind and channel: on both engines.
@Suite(.timeLimit(.minutes(3)))
struct StoreSubscriptionSourceTests {
    let now = StoreFixtures.now

    func sources(_ store: OpenedStore) throws -> [String: String] {
        try store.lines("SELECT id || ' ' || source FROM subscription").reduce(into: [:]) { sources, line in
            let parts = line.split(separator: " ")
            sources[String(parts[0])] = String(parts[1])
        }
    }

    func sourceCounters(_ store: OpenedStore) throws -> [String: Int] {
        try store.history.counters().filter { $0.key.hasPrefix("subscription_source.") && $0.value != 0 }
    }

    @Test(arguments: StoreEngine.allCases)
    func aSubscribeIsControlAndAnImportIsImportWithTheirCounts(engine: StoreEngine) async throws {
        let store = try await StoreTransactionTests.opened(engine)
        let one = try store.subscriptionStore.createSubscription(
            NewSubscription(channel: .email("one@example.org"), cities: ["busan"]), now: now, confirm: false)
        let imported = try store.subscriptionStore.importSubscriptions(
            (0..<3).map { NewSubscription(channel: .email("bulk\($0)@example.org"), cities: ["daegu"]) }, now: now)
        let stored = try sources(store)
        #expect(stored[one.0.id] == "control")
        #expect(imported.allSatisfy { stored[$0.id] == "import" })
        #expect(
            try sourceCounters(store) == [
                "subscription_source.control.active": 1, "subscription_source.import.active": 3,
            ])
        _ = try store.subscriptionStore.setSubscriptionState(id: imported[0].id, to: .removed, now: now)
        #expect(
            try sourceCounters(store) == [
                "subscription_source.control.active": 1, "subscription_source.import.active": 2,
                "subscription_source.import.removed": 1,
            ])
    }

    @Test(arguments: StoreEngine.allCases)
    func finishedDeliveriesAreCountedByStateKindAndChannel(engine: StoreEngine) async throws {
        let store = try await StoreTransactionTests.opened(engine)
        let mail = try store.subscriptionStore.createSubscription(
            NewSubscription(channel: .email("one@example.org"), cities: ["busan"]), now: now, confirm: true)
        let hook = try store.subscriptionStore.createSubscription(
            NewSubscription(
                channel: .webhook(url: "https://hooks.example.org/a", format: "slack", secret: nil), cities: ["busan"]),
            now: now, confirm: true)
        #expect(FinishedDeliveryCount.totals(in: try store.history.counters()).isEmpty)
        // Each confirmation is claimed and settled: the email one sent, the slack one failed.
        let due = try store.sending.dueDeliveries(now: now, limit: 10, excluding: [])
        #expect(due.count == 2)
        let (sending, _, _, _) = try store.sending.claim(due, skipping: [], recording: [], now: now)
        let records = sending.map { item in
            let sent = item.subscription.id == mail.0.id
            return DeliveryRecord(
                delivery: item.delivery, subscription: item.subscription,
                outcome: sent ? .sent("250") : AttemptOutcome(name: "permanent", detail: "HTTP 400"),
                newState: sent ? .sent : .failed,
                nextAttempt: nil, reason: nil, error: sent ? nil : "HTTP 400", finishedAt: now)
        }
        _ = try store.sending.record(records)
        _ = try store.subscriptionStore.setSubscriptionState(id: hook.0.id, to: .removed, now: now)
        let counts = FinishedDeliveryCount.totals(in: try store.history.counters())
        let skippedReminders = counts.first { $0.state == .skipped && $0.kind == .reminder }?.count ?? 0
        #expect(counts.contains(FinishedDeliveryCount(state: .sent, kind: .confirmation, channel: "email", count: 1)))
        #expect(counts.contains(FinishedDeliveryCount(state: .failed, kind: .confirmation, channel: "slack", count: 1)))
        #expect(skippedReminders > 0)
        #expect(counts.allSatisfy { $0.state != .skipped || $0.channel == "slack" })
    }
}
