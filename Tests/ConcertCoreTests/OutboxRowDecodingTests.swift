import Foundation
import GRDB
import Testing

@testable import ConcertCore

/// The outbox reads its rows by column position through SQLite's C API (`BoundStatement`,
/// `SQLiteColumns`): these tests hold the positions to the columns the queries name.
@Suite struct OutboxRowDecodingTests {
    let now = Fixtures.korea("2019-10-01T00:00")

    @Test func positionalDecodingMatchesDecodingByName() throws {
        let database = try AppDatabase.inMemory()
        try database.importCatalog(Fixtures.catalog, now: now)
        let new = NewSubscription(
            channel: .webhook(url: "https://hooks.example.org/a?b=1", format: "slack", secret: "s3cr3t"),
            cities: ["daegu", "busan"], offsets: [ReminderOffset(seconds: 86_400), ReminderOffset(seconds: 3600)],
            language: .en, label: "라벨 label")
        let (subscription, _) = try database.createSubscription(new, now: now, confirm: false)
        // A row with every optional column set, and one with them all NULL.
        try database.writer.write { db in
            try db.execute(
                sql: """
                    UPDATE delivery SET reason = 'paused', last_error = 'HTTP 503 — 잠시 후', detail = '{"a":1}',
                        finished_at = 1234, attempts = 3, state = 'retrying'
                    WHERE id = (SELECT MIN(id) FROM delivery)
                    """)
        }
        let byName = try database.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM delivery ORDER BY id").map(Delivery.init(row:))
        }
        #expect(byName.count >= 2)
        for expected in byName {
            #expect(try database.delivery(id: expected.id) == expected)
        }
        #expect(try database.deliveries(limit: 100) == byName.reversed())

        let pending = try database.pendingDeliveries(
            from: .distantPast, to: .distantFuture, city: nil, after: nil, limit: 100
        ).map(\.entry)
        #expect(pending.map(\.delivery) == byName.sorted { ($0.nextAttempt!, $0.id) < ($1.nextAttempt!, $1.id) })
        #expect(try database.subscription(id: subscription.id) == subscription)
        #expect(try database.subscriptions(city: "busan") == [subscription])
        #expect(try database.subscriptions(city: "seoul").isEmpty)
        for item in pending {
            #expect(item.subscription == subscription)
            #expect(item.destination == subscription.channel.destination)
            #expect(!item.targetSubscribedTwice)
        }
    }
}
