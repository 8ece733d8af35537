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
        #expect(
            plan.contains { $0.hasPrefix("SEARCH delivery USING INDEX delivery_pending_by_subscription") }, "\(plan)")
        #expect(!plan.contains { $0.hasPrefix("SCAN") }, "\(plan)")
    }
}
