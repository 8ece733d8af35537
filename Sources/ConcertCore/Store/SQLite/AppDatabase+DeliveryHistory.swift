import Foundation
import GRDB

extension AppDatabase {
    /// Running counters kept by triggers: `delivery.sent`, `subscription.active`, …
    public func counters() throws -> [String: Int] {
        try writer.read { db in
            try Row.fetchAll(db, sql: "SELECT name, value FROM counter").reduce(into: [:]) {
                $0[$1["name"]] = $1["value"]
            }
        }
    }

    /// One delivery by id.
    public func delivery(id: Int64) throws -> Delivery? {
        try writer.read { db in try Self.delivery(db, id: id) }
    }

    static func delivery(_ db: Database, id: Int64) throws -> Delivery? {
        let statement = try BoundStatement(
            db, cached: "SELECT \(Delivery.columns(of: "delivery")) FROM delivery WHERE id = ?")
        statement.bind(1, id)
        return try statement.rows(db, Delivery.init(columnsOf:)).first
    }

    /// Attempts of one delivery, in order.
    package func attempts(deliveryID: Int64) throws -> [(number: Int, outcome: String, detail: String?)] {
        try writer.read { db in
            try Row.fetchAll(
                db, sql: "SELECT number, outcome, detail FROM attempt WHERE delivery_id = ? ORDER BY number",
                arguments: [deliveryID]
            ).map { (number: $0["number"], outcome: $0["outcome"], detail: $0["detail"]) }
        }
    }

    /// Puts a failed delivery back in the queue, due now.
    public func retryDelivery(id: Int64, now: Date) throws {
        try writer.write { db in
            try db.execute(
                sql: """
                    UPDATE delivery SET state = 'retrying', next_attempt_at = ?, finished_at = NULL
                    WHERE id = ? AND state = 'failed'
                    """,
                arguments: [now.millis, id])
            if db.changesCount == 0 {
                throw StoreError(.conflict, "delivery \(id) does not exist or has not failed")
            }
        }
    }

    public func unplannedReminders(subscriptionID: String) throws -> [UnplannedReminder] {
        try writer.read { db in
            guard let subscription = try Self.subscription(db, id: subscriptionID) else { return [] }
            return try UnplannedReminder.missing(
                for: subscription, concerts: try Self.storedConcerts(db, inCities: subscription.cities)
            ) { concertID in
                Set(
                    try Int.fetchAll(
                        db,
                        sql: """
                            SELECT DISTINCT offset_seconds FROM delivery
                            WHERE subscription_id = ? AND concert_id = ? AND kind = 'reminder'
                            """,
                        arguments: [subscription.id, concertID]))
            }
        }
    }

    /// None: the file serves one daemon, and its attempts name no instance.
    public func lastAttemptInstances(deliveryIDs: [Int64]) throws -> [Int64: String] { [:] }

    /// The answers to the last attempts of `deliveryIDs` that got one (an attempt cut short by a
    /// stop has none), by delivery id.
    public func lastReplies(deliveryIDs: [Int64]) throws -> [Int64: AttemptReply] {
        try writer.read { db in
            var replies: [Int64: AttemptReply] = [:]
            // SQLite takes at most 32,766 parameters per statement.
            for start in stride(from: 0, to: deliveryIDs.count, by: 500) {
                let chunk = deliveryIDs[start..<min(start + 500, deliveryIDs.count)]
                let rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT a.delivery_id, a.finished_at, a.detail FROM delivery d
                        JOIN attempt a ON a.delivery_id = d.id AND a.number = d.attempts
                        WHERE d.id IN (\(databaseQuestionMarks(count: chunk.count)))
                            AND a.finished_at IS NOT NULL AND a.outcome <> 'interrupted'
                        """,
                    arguments: StatementArguments(Array(chunk)))
                for row in rows {
                    let millis: Int64 = row[1]
                    replies[row[0]] = AttemptReply(finishedAt: Date(millis: millis), detail: row[2])
                }
            }
            return replies
        }
    }
}
