import ConcertCore
import Foundation
import Testing

/// The bulk import (`concertctl subscribe --from`) through ``SubscriptionStore`` on both engines:
/// ids in the order added, reminders as a single subscription would have them, the same
/// subscription refused within the file and against stored ones (across the PostgreSQL
/// importer's chunks too), reserved id blocks, and an import that throws storing nothing.
@Suite(.timeLimit(.minutes(3)))
struct SubscriptionImportTests {
    let now = StoreFixtures.now

    func opened(_ engine: StoreEngine) async throws -> OpenedStore {
        let store = try await engine.openNew()
        try StoreFixtures.insertCatalog(store)
        return store
    }

    /// The planner's statistics of the tables an import filled are taken when it commits:
    /// without them the queries of the first due moment after a large import (the search for
    /// superseded reminders) were planned for empty tables, and 10,000 reminders due at once
    /// waited about 20 s for them.
    @Test func anImportOnPostgreSQLLeavesThePlannerStatisticsOfWhatItFilled() async throws {
        let opened = try await opened(.postgresql)
        let lines = try (0..<40).map { try StoreFixtures.email("stats\($0)@example.org", ["busan", "daegu"]) }
        _ = try opened.subscriptionStore.importSubscriptions(lines, now: now)
        let deliveries = try opened.integer("SELECT count(*) FROM delivery")
        #expect(deliveries > 40)
        for (table, rows) in [("subscription", 40), ("subscription_city", 80), ("delivery", deliveries)] {
            let estimated = try opened.integer("SELECT reltuples::bigint FROM pg_class WHERE relname = '\(table)'")
            #expect(estimated == rows, "\(table): the planner estimates \(estimated) rows, not \(rows)")
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func importedSubscriptionsHaveAscendingIdsTheirRemindersAndTheirCounts(engine: StoreEngine) async throws {
        let opened = try await opened(engine)
        let store = opened.subscriptionStore
        let lines = try (0..<5).map { try StoreFixtures.email("bulk\($0)@example.org", ["busan", "daegu", "busan"]) }
        let imported = try store.importSubscriptions(lines, now: now)
        #expect(imported.map(\.id) == imported.map(\.id).sorted())
        #expect(Set(imported.map(\.id)).count == 5)
        #expect(try store.subscriptions().map(\.id) == imported.map(\.id))
        let reminders = StoreFixtures.plannedReminderCount(["busan", "daegu"], offsets: lines[0].offsets)
        for subscription in imported {
            let rows = try opened.history.deliveries(subscriptionID: subscription.id, limit: 100)
            #expect(rows.count == reminders)
            #expect(rows.allSatisfy { $0.kind == .reminder && $0.state == .scheduled })
            let stored = try #require(try store.subscription(id: subscription.id))
            #expect(stored.cities == ["busan", "daegu", "busan"] && stored.createdAt == now)
        }
        #expect(try store.subscriptions(city: "daegu").count == 5)
        let counters = try opened.history.counters().filter { $0.value != 0 }
        #expect(counters["subscription.active"] == 5)
        #expect(counters["subscription_source.import.active"] == 5)
        #expect(counters["delivery.scheduled"] == 5 * reminders)
        // The reminders of an import are those a single subscription without confirmation gets.
        let (single, _) = try store.createSubscription(
            try StoreFixtures.email("single@example.org", ["busan", "daegu"]), now: now, confirm: false)
        let singleRows = try opened.history.deliveries(subscriptionID: single.id, limit: 100)
        let importedRows = try opened.history.deliveries(subscriptionID: imported[0].id, limit: 100)
        #expect(
            singleRows.map { [$0.concertID, "\($0.offset.seconds)", "\($0.due)"] }
                == importedRows.map { [$0.concertID, "\($0.offset.seconds)", "\($0.due)"] })
    }

    /// Secrets and labels come back as given, whatever characters they hold (COPY escapes tabs,
    /// newlines and backslashes), through both ways in.
    @Test(arguments: StoreEngine.allCases)
    func secretsAndLabelsAreStoredAsGiven(engine: StoreEngine) async throws {
        let store = try await opened(engine).subscriptionStore
        let odd = "a\tb\nc\\d \u{D55C}\u{AE00} '\"%"
        let lines = [
            try StoreFixtures.webhook(["busan"], label: odd, secret: "whsec_" + odd),
            try StoreFixtures.webhook(["daegu"], format: "generic", label: nil, secret: nil),
        ]
        let imported = try store.importSubscriptions(lines, now: now)
        let (created, _) = try store.createSubscription(
            try StoreFixtures.webhook(["siheung"], label: odd, secret: odd), now: now)
        for subscription in imported + [created] {
            #expect(try store.subscription(id: subscription.id) == subscription)
        }
        #expect(imported[0].channel == .webhook(url: lines[0].channel.target, format: "slack", secret: "whsec_" + odd))
    }

    /// Ported from StoreSameSubscriptionTests.
    @Test(arguments: StoreEngine.allCases)
    func anImportRefusesALineRepeatingAnEarlierOneOrAStoredOne(engine: StoreEngine) async throws {
        let store = try await opened(engine).subscriptionStore
        let (stored, _) = try store.createSubscription(try StoreFixtures.webhook(["busan"]), now: now)
        var refused: [Int: String] = [:]
        var added: [String] = []
        let imported = try store.importSubscriptions(now: now) { importer in
            let lines = [
                try StoreFixtures.webhook(["daegu"]), try StoreFixtures.webhook(["busan"]),
                try StoreFixtures.webhook(["daegu"], label: "x"),
            ]
            for (number, line) in lines.enumerated() {
                do {
                    added.append(try importer.add(line))
                } catch let error as StoreError where error.code == .conflict {
                    refused[number + 1] = error.message
                }
            }
        }
        #expect(imported == 1)
        #expect(refused.keys.sorted() == [2, 3])
        #expect(refused[2]?.contains(stored.id) == true)
        #expect(refused[3]?.contains(added[0]) == true)
    }

    /// Lines of one address that differ in format or language are other subscriptions, in the
    /// lines not yet copied as among those stored; many lines of one address each cost no more
    /// than one lookup of it.
    @Test(arguments: StoreEngine.allCases)
    func linesOfOneAddressInAnotherFormatOrLanguageAreOtherSubscriptions(engine: StoreEngine) async throws {
        let store = try await opened(engine).subscriptionStore
        _ = try store.createSubscription(try StoreFixtures.webhook(["busan"]), now: now)
        var refused: [Int] = []
        let cities = ["busan", "daegu", "siheung"]
        let imported = try store.importSubscriptions(now: now) { importer in
            var lines = [
                try StoreFixtures.webhook(["busan"], format: "generic"),
                try StoreFixtures.webhook(["busan"], lang: .en),
                try StoreFixtures.webhook(["busan"], format: "generic", lang: .en),
            ]
            for first in cities.indices {
                for second in cities.indices where second > first {
                    lines.append(try StoreFixtures.webhook([cities[first], cities[second]]))
                }
            }
            lines.append(try StoreFixtures.webhook(["daegu", "busan"], before: "1d,7d"))
            lines.append(try StoreFixtures.webhook(["busan"], format: "generic", lang: .en, label: "again"))
            for (number, line) in lines.enumerated() {
                do {
                    _ = try importer.add(line)
                } catch let error as StoreError where error.code == .conflict {
                    refused.append(number)
                }
            }
        }
        #expect(imported == 6)
        #expect(refused == [6, 7])
    }

    /// More lines than the PostgreSQL importer keeps before copying: a repeat of a line already
    /// copied and of one not yet copied are both refused, naming the first.
    @Test(arguments: StoreEngine.allCases)
    func repeatsAreRefusedAcrossChunksOfALargeImport(engine: StoreEngine) async throws {
        let opened = try await opened(engine)
        let store = opened.subscriptionStore
        var ids: [String] = []
        var refused: [(line: Int, message: String)] = []
        let count = 6_500
        let imported = try store.importSubscriptions(now: now) { importer in
            for index in 0..<count {
                do {
                    ids.append(try importer.add(try StoreFixtures.email("u\(index)@example.org", ["siheung"])))
                } catch let error as StoreError where error.code == .conflict {
                    refused.append((index, error.message))
                }
            }
            // Line 0 was copied with the first chunk; line 6,400 is still kept.
            for repeated in [0, 6_400] {
                do {
                    _ = try importer.add(
                        try StoreFixtures.email("u\(repeated)@example.org", ["siheung"], before: "1d,7d"))
                } catch let error as StoreError where error.code == .conflict {
                    refused.append((repeated, error.message))
                }
            }
        }
        #expect(imported == count)
        #expect(refused.map(\.line) == [0, 6_400])
        #expect(refused.first?.message.contains(ids[0]) == true)
        #expect(refused.last?.message.contains(ids[6_400]) == true)
        #expect(ids == ids.sorted())
        let listed = try store.subscriptions(city: "siheung", after: nil, limit: count + 10)
        #expect(listed.map(\.entry.id) == ids)
        let reminders = StoreFixtures.plannedReminderCount(["siheung"], offsets: try ReminderOffset.parseList("7d,1d"))
        #expect(try opened.history.counters()["delivery.scheduled"] == count * reminders)
    }

    @Test(arguments: StoreEngine.allCases)
    func anImportThatThrowsStoresNothing(engine: StoreEngine) async throws {
        struct Stop: Error {}
        let opened = try await opened(engine)
        let store = opened.subscriptionStore
        #expect(throws: Stop.self) {
            try store.importSubscriptions(now: now) { importer in
                for index in 0..<6_000 {
                    _ = try importer.add(try StoreFixtures.email("u\(index)@example.org", ["busan"]))
                }
                throw Stop()
            }
        }
        #expect(try store.subscriptions(city: nil, includeRemoved: true).isEmpty)
        #expect(try opened.history.deliveries(limit: 10).isEmpty)
        #expect(try opened.history.counters().filter { $0.value != 0 }.isEmpty)
        // The store takes the next import as usual.
        #expect(
            try store.importSubscriptions([try StoreFixtures.email("a@example.org", ["busan"])], now: now).count == 1)
    }

    @Test(arguments: StoreEngine.allCases)
    func aReservedBlockGivesTheIdsOfAStagedImportUntilAnotherTakesOne(engine: StoreEngine) async throws {
        let store = try await opened(engine).subscriptionStore
        let (existing, _) = try store.createSubscription(
            try StoreFixtures.email("a@example.org", ["busan"]), now: now, confirm: true, id: "sub-aaaaa22222")
        let avoided = try store.reserveSubscriptionIDBlock(avoiding: [])
        var block = try store.reserveSubscriptionIDBlock(avoiding: [avoided.prefix])
        #expect(block.prefix != avoided.prefix)
        #expect(block.prefix.hasPrefix("sub-") && !existing.id.hasPrefix(block.prefix))
        let next = (block.next(), block.next())
        let first = try #require(next.0)
        let second = try #require(next.1)
        var given: [String] = []
        try store.importSubscriptions(now: now) { importer in
            let free = try importer.isFree(block)
            #expect(free)
            given.append(try importer.add(try StoreFixtures.email("b@example.org", ["busan"]), id: first))
            given.append(try importer.add(try StoreFixtures.email("c@example.org", ["busan"]), id: second))
        }
        #expect(given == [first, second])
        #expect(try store.subscription(id: second)?.channel == .email("c@example.org"))
        try store.importSubscriptions(now: now) { importer in
            let (taken, other) = (try importer.isFree(block), try importer.isFree(avoided))
            #expect(!taken)
            #expect(other)
        }
    }
}
