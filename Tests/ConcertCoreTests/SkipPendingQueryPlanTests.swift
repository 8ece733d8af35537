import Foundation
import GRDB
import Testing

@testable import ConcertCore

/// Stopping one subscription finds its pending messages by subscription: a one-click unsubscribe
/// costs the same with three million reminders pending as with ten.
@Suite struct SkipPendingQueryPlanTests {
    @Test func skippingOneSubscriptionsPendingMessagesSearchesAnIndexByItsID() throws {
        let database = try AppDatabase.inMemory()
        let plan = try database.writer.read { db in
            try Row.fetchAll(
                db, sql: "EXPLAIN QUERY PLAN " + AppDatabase.skipPendingOfSubscription,
                arguments: ["removed", 0, "sub-x"]
            ).map { $0["detail"] as String }
        }
        #expect(plan.contains { $0.hasPrefix("SEARCH delivery USING INDEX delivery_by_subscription") }, "\(plan)")
        #expect(!plan.contains { $0.hasPrefix("SCAN") }, "\(plan)")
    }

    /// Every send moves its row from `scheduled` to `sending` and on to its outcome. An index
    /// partial on `state` is written at each move, so only the scheduler's own (the due rows, the
    /// rows in flight, the retries) may be: an index for rarer reads, such as finding one
    /// subscription's pending rows, would cost every send an index write (a tenth of the
    /// scheduler's instructions per delivery, measured with callgrind on `SchedulerCycle`).
    @Test func onlyTheSchedulersOwnIndexesDependOnADeliverysState() throws {
        let database = try AppDatabase.inMemory()
        let partialOnState = try database.writer.read { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT name FROM sqlite_schema
                    WHERE type = 'index' AND tbl_name = 'delivery' AND sql LIKE '%WHERE%state%'
                    ORDER BY name
                    """)
        }
        #expect(partialOnState == ["delivery_pending", "delivery_retrying", "delivery_sending"])
    }
}
