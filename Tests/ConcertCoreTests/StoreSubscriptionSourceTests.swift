import Foundation
import GRDB
import Testing

@testable import ConcertCore

/// Schema v8: each subscription says how it was made, counted per state and source in the
/// running counters, so the metrics never count rows.
@Suite struct StoreSubscriptionSourceTests {
    func sources(_ database: AppDatabase) throws -> [String: String] {
        try database.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT id, source FROM subscription").reduce(into: [:]) { $0[$1[0]] = $1[1] }
        }
    }

    func sourceCounters(_ database: AppDatabase) throws -> [String: Int] {
        try database.counters().filter { $0.key.hasPrefix("subscription_source.") && $0.value != 0 }
    }

    @Test func rowsMadeBeforeV8AreUnknownAndCounted() throws {
        let path = try StoreMigrationTests.olderDatabase(upTo: "v7-normalized-webhook-targets")
        let database = try AppDatabase.open(path: path)
        #expect(try sources(database) == ["sub-old": "unknown"])
        #expect(try sourceCounters(database) == ["subscription_source.unknown.active": 1])
        _ = try database.setSubscriptionState(id: "sub-old", to: .paused, now: Fixtures.korea("2019-10-01T00:00"))
        #expect(try sourceCounters(database) == ["subscription_source.unknown.paused": 1])
    }

    @Test func aSubscribeIsControlAndAnImportIsImportWithTheirCounts() throws {
        let database = try AppDatabase.inMemory()
        let now = Fixtures.korea("2019-10-01T00:00")
        try database.importCatalog(Fixtures.catalog, now: now)
        let one = try database.createSubscription(
            NewSubscription(channel: .email("one@example.org"), cities: ["busan"]), now: now, confirm: false)
        let imported = try database.importSubscriptions(
            (0..<3).map { NewSubscription(channel: .email("bulk\($0)@example.org"), cities: ["daegu"]) }, now: now)
        let stored = try sources(database)
        #expect(stored[one.0.id] == "control")
        #expect(imported.allSatisfy { stored[$0.id] == "import" })
        #expect(
            try sourceCounters(database) == [
                "subscription_source.control.active": 1, "subscription_source.import.active": 3,
            ])
        _ = try database.setSubscriptionState(id: imported[0].id, to: .removed, now: now)
        #expect(
            try sourceCounters(database) == [
                "subscription_source.control.active": 1, "subscription_source.import.active": 2,
                "subscription_source.import.removed": 1,
            ])
    }

    @Test func finishedDeliveriesAreCountedByStateKindAndChannel() throws {
        let database = try AppDatabase.inMemory()
        let now = Fixtures.korea("2019-10-01T00:00")
        try database.importCatalog(Fixtures.catalog, now: now)
        let mail = try database.createSubscription(
            NewSubscription(channel: .email("one@example.org"), cities: ["busan"]), now: now, confirm: true)
        let hook = try database.createSubscription(
            NewSubscription(
                channel: .webhook(url: "https://hooks.example.org/a", format: "slack", secret: nil), cities: ["busan"]),
            now: now, confirm: true)
        #expect(FinishedDeliveryCount.totals(in: try database.counters()).isEmpty)
        // Each confirmation is claimed and settled: the email one sent, the slack one failed.
        let due = try database.dueDeliveries(now: now, limit: 10, excluding: [])
        #expect(due.count == 2)
        let (sending, _, _, _) = try database.claim(due, skipping: [], recording: [], now: now)
        let records = sending.map { item in
            let sent = item.subscription.id == mail.0.id
            return DeliveryRecord(
                delivery: item.delivery, subscription: item.subscription,
                outcome: sent ? .sent("250") : AttemptOutcome(name: "permanent", detail: "HTTP 400"),
                newState: sent ? .sent : .failed,
                nextAttempt: nil, reason: nil, error: sent ? nil : "HTTP 400", finishedAt: now)
        }
        _ = try database.record(records)
        _ = try database.setSubscriptionState(id: hook.0.id, to: .removed, now: now)
        let counts = FinishedDeliveryCount.totals(in: try database.counters())
        let skippedReminders = counts.first { $0.state == .skipped && $0.kind == .reminder }?.count ?? 0
        #expect(counts.contains(FinishedDeliveryCount(state: .sent, kind: .confirmation, channel: "email", count: 1)))
        #expect(counts.contains(FinishedDeliveryCount(state: .failed, kind: .confirmation, channel: "slack", count: 1)))
        #expect(skippedReminders > 0)
        #expect(counts.allSatisfy { $0.state != .skipped || $0.channel == "slack" })
    }
}
