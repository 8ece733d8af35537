import ConcertCore
import Foundation
import PostgresTestSupport
import Testing

@testable import ConcertPostgres

/// The bulk import on PostgreSQL costs what its own lines cost, whatever the store already holds:
/// `concertctl subscribe --from` sends a file as many `subscribe.bulk` requests of a few hundred
/// lines, each an import of its own, and a step that read every stored subscription (or took the
/// planner's statistics of every table) made the n-th request take n times as long.
@Suite(.timeLimit(.minutes(3)))
struct PostgresSubscriptionImportTests {
    let now = StoreFixtures.now

    func opened() async throws -> OpenedStore {
        let store = try await StoreEngine.postgresql.openNew()
        try StoreFixtures.insertCatalog(store)
        return store
    }

    /// The rows of `subscription` the importer's connection has read, by scans of the table and
    /// through its indexes, as its server process counts them and has not yet reported: that count
    /// holds the earlier transactions of the connection too (PostgreSQL 15 reports a process's
    /// counts at most once a second, else ten seconds after it goes idle; here the first import's
    /// foreign-key checks, one read of `subscription` per city and reminder row copied), and grows
    /// only inside a transaction, so what an import read is the difference from its start.
    func subscriptionRowsRead(_ importer: any SubscriptionImporting) throws -> Int {
        let connection = try #require(importer as? PostgresSubscriptionImporter).connection
        let rows = try connection.query(
            """
            SELECT (COALESCE(seq_tup_read, 0) + COALESCE(idx_tup_fetch, 0))::bigint
            FROM pg_stat_xact_user_tables WHERE relname = 'subscription'
            """)
        return Int(rows.int64(0, 0))
    }

    /// Ten lines announced together (as `subscribe.bulk` announces a request's lines) into a store
    /// of 3,000: the targets are looked up on their index, the ids continue the last import's,
    /// and a line repeating a stored subscription is still refused, naming it.
    @Test func aSmallImportIntoALargeStoreReadsOnlyTheRowsOfItsOwnTargets() async throws {
        let opened = try await opened()
        let store = try #require(opened.postgres)
        let stored = 3_000
        let first = try store.importSubscriptions(
            try (0..<stored).map { try StoreFixtures.email("many\($0)@example.org", ["busan"]) }, now: now)
        var lines = try (0..<9).map { try StoreFixtures.email("new\($0)@example.org", ["daegu"]) }
        lines.append(try StoreFixtures.email("many7@example.org", ["busan"], before: "1d,7d"))
        var read = -1
        var refusal: String?
        let imported = try store.importSubscriptions(now: now) { importer in
            let before = try subscriptionRowsRead(importer)
            try importer.prepare(toAdd: lines)
            for line in lines {
                do {
                    _ = try importer.add(line)
                } catch let error as StoreError where error.code == .conflict {
                    refusal = error.message
                }
            }
            read = try subscriptionRowsRead(importer) - before
        }
        #expect(imported == 9)
        #expect(refusal?.contains(first[7].id) == true)
        #expect(read >= 0 && read < 100, "the import read \(read) rows of subscription with \(stored) stored")
    }

    /// Each request of a file is an import; one of a few lines into tables that hold many more
    /// leaves their statistics to autovacuum, and one that doubles a table takes them again.
    @Test func smallImportsTakeThePlannerStatisticsOnlyOfTablesTheyDoubled() async throws {
        let opened = try await opened()
        let store = try #require(opened.postgres)
        func analyzed() throws -> [String] {
            try opened.lines(
                """
                SELECT relname || '=' || analyze_count FROM pg_stat_user_tables
                WHERE relname IN ('subscription', 'subscription_city', 'delivery') ORDER BY relname
                """)
        }
        var number = 0
        func importEmails(_ count: Int) throws {
            let lines = try (0..<count).map { _ in
                number += 1
                return try StoreFixtures.email("stats\(number)@example.org", ["busan"])
            }
            _ = try store.importSubscriptions(lines, now: now)
        }
        try importEmails(1_000)
        #expect(try analyzed() == ["delivery=1", "subscription=1", "subscription_city=1"])
        for _ in 0..<5 { try importEmails(20) }
        #expect(try analyzed() == ["delivery=1", "subscription=1", "subscription_city=1"])
        try importEmails(3_000)
        #expect(try analyzed() == ["delivery=2", "subscription=2", "subscription_city=2"])
    }

    /// The ids of consecutive imports ascend from one to the next (one prefix, continued), unless
    /// a subscription made in between has an id of that prefix: then the next import takes a new
    /// prefix. An import that throws leaves the ids to continue where the last stored one stopped.
    @Test func consecutiveImportsContinueOnePrefixUnlessAnotherIdTookIt() async throws {
        let opened = try await opened()
        let store = try #require(opened.postgres)
        var number = 0
        func lines(_ count: Int) throws -> [NewSubscription] {
            try (0..<count).map { _ in
                number += 1
                return try StoreFixtures.email("ids\(number)@example.org", ["busan"])
            }
        }
        let first = try store.importSubscriptions(try lines(3), now: now).map(\.id)
        let prefix = String(first[0].prefix(9))
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try store.importSubscriptions(now: now) { importer in
                for line in try lines(2) { _ = try importer.add(line) }
                throw Stop()
            }
        }
        let second = try store.importSubscriptions(try lines(3), now: now).map(\.id)
        #expect(first + second == (0..<6).map { SequentialIDs.id(prefix: prefix, counter: $0) })

        // A subscription made since, with an id of that prefix (a random id can have one).
        let other = prefix + "zzzzz"
        _ = try store.createSubscription(try lines(1)[0], now: now, confirm: false, id: other)
        let third = try store.importSubscriptions(try lines(3), now: now).map(\.id)
        #expect(third.allSatisfy { !$0.hasPrefix(prefix) })
        #expect(third == third.sorted() && Set(third).count == 3)
        #expect(try store.subscriptions().count == 10)
    }
}
