import ConcertCore
import Foundation
import GRDB
import Testing

/// The running counters `status` reads agree with the rows, whoever moved them: the trigger for
/// most state changes, the scheduler's store functions for moves into and out of `sending`.
@Suite(.timeLimit(.minutes(1))) struct SchedulerCounterTests {
    func rowCounts(_ database: AppDatabase) throws -> [String: Int] {
        try database.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM delivery GROUP BY state").reduce(into: [:]) {
                $0["delivery." + ($1["state"] as String)] = $1["n"]
            }
        }
    }

    func deliveryCounters(_ database: AppDatabase) throws -> [String: Int] {
        try database.counters().filter { $0.key.hasPrefix("delivery.") && $0.value != 0 }
    }

    @Test func countersFollowSendsRetriesFailuresSkipsAndACrash() throws {
        let path = Fixtures.temporaryDirectory() + "/concertd.sqlite3"
        let database = try AppDatabase.open(path: path)
        try database.importCatalog(Fixtures.catalog, now: Fixtures.korea("2019-10-01T00:00"))
        let h = try SchedulerHarness(now: "2019-10-22T13:00", database: database)
        h.webhook.script(
            .succeed, .answer(.retryable(error: "HTTP 503", retryAfter: nil)),
            .answer(.permanent(error: "HTTP 400")), .hang, .hang)
        var subscriptions: [Subscription] = []
        for index in 0..<5 {
            subscriptions.append(try h.subscribe(["daegu"], webhook: "https://h\(index).example.org/x"))
        }
        // The same channel again with other offsets: its 7d reminder is a duplicate of the first's.
        _ = try h.subscribe(["daegu"], webhook: "https://h0.example.org/x", before: "7d,1d")
        try database.setSubscriptionState(id: subscriptions[4].id, to: .paused, now: h.clock.now())
        h.scheduler.wake()
        try h.scheduler.start()
        h.advance(to: "2019-10-22T14:00")
        #expect(h.webhook.hangingCount == 1)
        #expect(try deliveryCounters(database) == rowCounts(database))
        #expect(try rowCounts(database)["delivery.sending"] == 1)
        // Crash with a send in flight; the next start puts it back in the queue.
        let reopened = try AppDatabase.open(path: path)
        let after = try SchedulerHarness(now: "2019-10-22T14:05", database: reopened)
        #expect(try after.scheduler.start() == 1)
        after.settle()
        #expect(try deliveryCounters(reopened) == rowCounts(reopened))
        #expect(try rowCounts(reopened)["delivery.sending"] == nil)
    }
}
