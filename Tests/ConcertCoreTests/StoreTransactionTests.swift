import Foundation
import GRDB
import Testing

@testable import ConcertCore

@Suite struct StoreTransactionTests {
    let now = Fixtures.korea("2019-10-01T00:00")

    func database() throws -> AppDatabase {
        let database = try AppDatabase.inMemory()
        try database.importCatalog(Fixtures.catalog, now: now)
        return database
    }

    func count(_ database: AppDatabase, _ table: String) throws -> Int {
        try database.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? -1 }
    }

    @Test func subscriptionInterruptedMidwayLeavesNothingBehind() throws {
        let database = try database()
        // The third delivery row of the transaction fails, as a full disk or a crash would stop it.
        try database.writer.write { db in
            try db.execute(
                sql: """
                    CREATE TRIGGER interrupt BEFORE INSERT ON delivery
                    WHEN (SELECT COUNT(*) FROM delivery) >= 2
                    BEGIN SELECT RAISE(ABORT, 'interrupted by the test'); END
                    """)
        }
        let new = NewSubscription(channel: .email("a@example.org"), cities: ["busan"])
        #expect(throws: (any Error).self) { try database.createSubscription(new, now: now) }
        #expect(try count(database, "subscription") == 0)
        #expect(try count(database, "subscription_city") == 0)
        #expect(try count(database, "delivery") == 0)
    }

    @Test func catalogImportInterruptedMidwayLeavesNothingBehind() throws {
        let database = try AppDatabase.inMemory()
        try database.writer.write { db in
            try db.execute(
                sql: """
                    CREATE TRIGGER interrupt BEFORE INSERT ON concert
                    WHEN (SELECT COUNT(*) FROM concert) >= 7
                    BEGIN SELECT RAISE(ABORT, 'interrupted by the test'); END
                    """)
        }
        #expect(throws: (any Error).self) { try database.importCatalog(Fixtures.catalog, now: now) }
        #expect(try count(database, "concert") == 0)
        #expect(try count(database, "concert_city") == 0)
    }

    @Test func subscriptionIsStoredWithItsRemindersAndConfirmation() throws {
        let database = try database()
        let new = NewSubscription(channel: .email("a@example.org"), cities: ["gongju"], language: .en, label: "office")
        let (subscription, next) = try database.createSubscription(new, now: now)
        #expect(next?.concert.id == "gongju-buyeo-2019")
        let rows = try database.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT kind, offset_seconds, due_at, state FROM delivery ORDER BY due_at, kind")
        }
        #expect(rows.map { $0["kind"] as String } == ["confirmation", "reminder", "reminder", "reminder"])
        #expect(
            rows.dropFirst().map { KoreaTime.iso8601(Date(millis: $0["due_at"])) } == [
                "2019-10-17T14:00:00+09:00", "2019-10-23T14:00:00+09:00", "2019-10-24T13:00:00+09:00",
            ])
        #expect(try database.subscription(id: subscription.id) == subscription)
    }
}

@Suite struct BulkImportTests {
    @Test func bulkImportPlansTheSameRemindersAsOneByOne() throws {
        let now = Fixtures.korea("2019-10-01T00:00")
        let single = try AppDatabase.inMemory()
        let bulk = try AppDatabase.inMemory()
        for database in [single, bulk] { try database.importCatalog(Fixtures.catalog, now: now) }
        let news = [
            NewSubscription(channel: .email("a@example.org"), cities: ["gongju", "buyeo"]),
            NewSubscription(
                channel: .webhook(url: "https://h.example.org/x", format: "slack", secret: nil),
                cities: ["sejong", "daegu"], offsets: try ReminderOffset.parseList("3h,2d"), language: .en),
        ]
        for new in news { _ = try single.createSubscription(new, now: now, confirm: false) }
        let imported = try bulk.importSubscriptions(news, now: now)
        #expect(imported.count == 2)
        func plan(_ database: AppDatabase) throws -> [String] {
            try database.writer.read { db in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT s.target, d.concert_id, d.offset_seconds, d.due_at, d.deadline_at, d.state
                        FROM delivery d JOIN subscription s ON s.id = d.subscription_id ORDER BY 1, 2, 3
                        """
                ).map { "\($0)" }
            }
        }
        #expect(try plan(single) == plan(bulk))
        #expect(try plan(bulk).count == 3 + 2 + 2)
        #expect(try bulk.counters()["delivery.scheduled"] == 7)
        #expect(try bulk.counters()["subscription.active"] == 2)
    }
}

extension BulkImportTests {
    @Test func anImportInterruptedMidwayLeavesNothingBehind() throws {
        let now = Fixtures.korea("2019-10-01T00:00")
        let database = try AppDatabase.inMemory()
        try database.importCatalog(Fixtures.catalog, now: now)
        try database.writer.write { db in
            try db.execute(
                sql: """
                    CREATE TRIGGER interrupt BEFORE INSERT ON delivery
                    WHEN (SELECT COUNT(*) FROM delivery) >= 40
                    BEGIN SELECT RAISE(ABORT, 'interrupted by the test'); END
                    """)
        }
        let news = (0..<20).map { NewSubscription(channel: .email("user\($0)@example.org"), cities: ["busan"]) }
        #expect(throws: DatabaseError.self) { try database.importSubscriptions(news, now: now) }
        let rows = try database.writer.read { db in
            try Int.fetchOne(db, sql: "SELECT (SELECT COUNT(*) FROM subscription) + (SELECT COUNT(*) FROM delivery)")
        }
        #expect(rows == 0)
        #expect(try database.counters().values.allSatisfy { $0 == 0 })
    }
}

@Suite struct RunningCounterTests {
    let now = Fixtures.korea("2019-10-01T00:00")

    /// The counters as they should be: the rows counted.
    func counted(_ database: AppDatabase) throws -> [String: Int] {
        try database.writer.read { db in
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM delivery GROUP BY state") {
                counts["delivery." + (row["state"] as String)] = row["n"]
            }
            for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM subscription GROUP BY state") {
                counts["subscription." + (row["state"] as String)] = row["n"]
            }
            let bySource = "SELECT source, state, COUNT(*) AS n FROM subscription GROUP BY source, state"
            for row in try Row.fetchAll(db, sql: bySource) {
                counts["subscription_source.\(row["source"] as String).\(row["state"] as String)"] = row["n"]
            }
            return counts
        }
    }

    /// The counters of rows now (the totals of finished deliveries, `finished.…`, count moves).
    func kept(_ database: AppDatabase) throws -> [String: Int] {
        try database.counters().filter { $0.value != 0 && !$0.key.hasPrefix("finished.") }
    }

    @Test func countersMatchTheRowsAfterImportsSubscribesAndStateChanges() throws {
        let database = try AppDatabase.inMemory()
        try database.importCatalog(Fixtures.catalog, now: now)
        let imported = try database.importSubscriptions(
            (0..<50).map { NewSubscription(channel: .email("user\($0)@example.org"), cities: ["busan", "sejong"]) },
            now: now)
        #expect(try kept(database) == counted(database))
        let (single, _) = try database.createSubscription(
            NewSubscription(channel: .email("a@example.org"), cities: ["gongju"]), now: now)
        #expect(try kept(database) == counted(database))
        try database.setSubscriptionState(id: imported[0].id, to: .paused, now: now)
        let skippedByPause = try counted(database)["delivery.skipped", default: 0]
        #expect(skippedByPause > 0)
        try database.setSubscriptionState(id: imported[0].id, to: .active, now: now)
        #expect(try counted(database)["delivery.skipped", default: 0] == 0, "the resume revived them")
        try database.setSubscriptionState(id: single.id, to: .removed, now: now)
        let skippedByRemoval = try counted(database)["delivery.skipped", default: 0]
        _ = try database.createTestDelivery(subscriptionID: imported[1].id, now: now)
        #expect(try kept(database) == counted(database))
        // The totals keep every move into a final state: the resume took nothing back.
        let totals = try database.counters().filter { $0.key.hasPrefix("finished.skipped.") }
        #expect(totals.values.reduce(0, +) == skippedByPause + skippedByRemoval, "\(totals)")
        #expect(try database.counters()["delivery.sending"] == 1)
        #expect(try database.counters()["subscription.active"] == 50)
    }

    @Test func anImportThatFailsStoresAndCountsNothingAndLeavesForeignKeysOn() throws {
        struct Stop: Error {}
        let database = try AppDatabase.inMemory()
        try database.importCatalog(Fixtures.catalog, now: now)
        let before = try database.counters()
        #expect(throws: Stop.self) {
            try database.importSubscriptions(now: now) { importer in
                _ = try importer.add(NewSubscription(channel: .email("a@example.org"), cities: ["busan"]))
                throw Stop()
            }
        }
        #expect(try database.counters() == before)
        #expect(try database.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM delivery") } == 0)
        let checks = try database.writer.read { db in
            (
                try Int.fetchOne(db, sql: "PRAGMA foreign_keys"),
                try Int.fetchOne(db, sql: "PRAGMA ignore_check_constraints")
            )
        }
        #expect(checks.0 == 1 && checks.1 == 0)
    }

    @Test func importedIDsAscendInTheOrderGivenAndLookLikeOthers() throws {
        let database = try AppDatabase.inMemory()
        try database.importCatalog(Fixtures.catalog, now: now)
        let news = (0..<40).map { NewSubscription(channel: .email("user\($0)@example.org"), cities: ["busan"]) }
        let first = try database.importSubscriptions(news, now: now).map(\.id)
        let second = try database.importSubscriptions(
            news.map { NewSubscription(channel: $0.channel, cities: ["daegu"]) }, now: now
        )
        .map(\.id)
        #expect(first == first.sorted())
        #expect(Set(first + second).count == 80)
        #expect(first[0].count == Subscription.makeID().count && first[0].hasPrefix("sub-"))
        #expect(first[0].prefix(9) != second[0].prefix(9), "each import has its own prefix")
    }

    @Test func aReservedIDBlockGivesIDsNoStoredSubscriptionHasAndTheImportStoresThem() throws {
        let database = try AppDatabase.inMemory()
        try database.importCatalog(Fixtures.catalog, now: now)
        let stored = try database.importSubscriptions(
            [NewSubscription(channel: .email("a@example.org"), cities: ["busan"])], now: now)
        let taken = String(stored[0].id.prefix(9))
        var block = try database.reserveSubscriptionIDBlock(avoiding: ["sub-other"])
        #expect(block.prefix != taken && block.prefix != "sub-other")
        let ids = (0..<3).compactMap { _ in block.next() }
        #expect(ids == ids.sorted() && Set(ids).count == 3 && ids.allSatisfy { $0.hasPrefix(block.prefix) })
        #expect(ids[0].count == Subscription.makeID().count)
        let news = (0..<3).map { NewSubscription(channel: .email("user\($0)@example.org"), cities: ["busan"]) }
        var freeBefore = false
        var added: [String] = []
        try database.importSubscriptions(now: now) { importer in
            freeBefore = try importer.isFree(block)
            for (new, id) in zip(news, ids) { added.append(try importer.add(new, id: id)) }
        }
        #expect(freeBefore)
        #expect(added == ids)
        #expect(try ids.allSatisfy { try database.subscription(id: $0) != nil })
        var freeAfter = true
        try database.importSubscriptions(now: now) { importer in freeAfter = try importer.isFree(block) }
        #expect(!freeAfter, "once one of its ids is stored, the block is not free")
    }
}
