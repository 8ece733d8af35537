import ConcertCore
import Foundation

/// What happened and what is planned, as the control commands read it, on PostgreSQL: the same
/// listings, in the same order, as the SQLite store's (``DeliveryHistoryStore``). Pages start
/// after a position (keyset paging): a row comparison on the index of pending rows
/// (`delivery_pending`), which PostgreSQL walks from the position directly.
extension PostgresStore {
    public func deliveries(
        state: Delivery.State?, subscriptionID: String?, before: Int64?, limit: Int
    ) throws -> [Delivery] {
        try pool.withConnection { connection in
            var sql = "SELECT \(Delivery.columns(of: "d")) FROM delivery d WHERE d.id < $1"
            var parameters: [PostgresValue] = [.integer(before ?? Int64.max), .integer(Int64(max(0, limit)))]
            if let state {
                parameters.append(.text(state.rawValue))
                sql += " AND d.state = $\(parameters.count)"
            }
            if let subscriptionID {
                parameters.append(.text(subscriptionID))
                sql += " AND d.subscription_id = $\(parameters.count)"
            }
            sql += " ORDER BY d.id DESC LIMIT $2"
            let rows = try connection.query(sql, parameters)
            return rows.map { Delivery(columnsOf: PostgresRow(rows: rows, index: $0)) }
        }
    }

    public func upcoming(after: ListingPosition.Due?, limit: Int) throws
        -> [(position: ListingPosition.Due, entry: Delivery)]
    {
        try pool.withConnection { connection in
            let rows = try connection.query(
                """
                SELECT \(Delivery.columns(of: "d")), d.next_attempt_at FROM delivery d
                WHERE d.state IN ('scheduled', 'retrying') AND (d.next_attempt_at, d.id) > ($1, $2)
                ORDER BY d.next_attempt_at, d.id LIMIT $3
                """,
                [
                    .integer(after?.dueMillis ?? Int64.min), .integer(after?.id ?? Int64.min),
                    .integer(Int64(max(0, limit))),
                ])
            return rows.map { row in
                (
                    ListingPosition.Due(dueMillis: rows.int64(row, Int(Delivery.columnCount)), id: rows.int64(row, 0)),
                    Delivery(columnsOf: PostgresRow(rows: rows, index: row))
                )
            }
        }
    }

    public func pendingDeliveries(
        from: Date, to: Date, city: String?, after: ListingPosition.Due?, limit: Int
    ) throws -> [(position: ListingPosition.Due, entry: PendingDelivery)] {
        try pool.withConnection { connection in
            var sql = """
                SELECT \(PendingDelivery.columnList), d.next_attempt_at \(PendingDelivery.tables)
                WHERE d.state IN ('scheduled', 'retrying') AND (d.next_attempt_at, d.id) > ($1, $2)
                    AND d.next_attempt_at >= $3 AND d.next_attempt_at <= $4
                """
            var parameters: [PostgresValue] = [
                .integer(after?.dueMillis ?? Int64.min), .integer(after?.id ?? Int64.min), .integer(from.millis),
                .integer(to.millis), .integer(Int64(max(0, limit))),
            ]
            if let city {
                sql += """
                     AND EXISTS (SELECT 1 FROM subscription_city sc WHERE sc.subscription_id = d.subscription_id
                        AND sc.city_id = $6)
                     AND EXISTS (SELECT 1 FROM concert_city cc WHERE cc.concert_id = d.concert_id AND cc.city_id = $6)
                    """
                parameters.append(.text(city))
            }
            sql += " ORDER BY d.next_attempt_at, d.id LIMIT $5"
            let rows = try connection.query(sql, parameters)
            let keyColumn = Int(PendingDelivery.columnCount)
            return rows.map { row in
                (
                    ListingPosition.Due(dueMillis: rows.int64(row, keyColumn), id: rows.int64(row, 0)),
                    PendingDelivery(columns: PostgresRow(rows: rows, index: row))
                )
            }
        }
    }

    public func delivery(id: Int64) throws -> Delivery? {
        try pool.withConnection { connection in
            let rows = try connection.query(
                "SELECT \(Delivery.columns(of: "d")) FROM delivery d WHERE d.id = $1", [.integer(id)])
            return rows.count == 0 ? nil : Delivery(columnsOf: PostgresRow(rows: rows, index: 0))
        }
    }

    /// The answers to the last attempts of `deliveryIDs` that got one (an attempt cut short by a
    /// stop, or by an expired lease, has none), by delivery id: one statement however many ids.
    public func lastReplies(deliveryIDs: [Int64]) throws -> [Int64: AttemptReply] {
        guard !deliveryIDs.isEmpty else { return [:] }
        return try pool.withConnection { connection in
            let rows = try connection.query(
                """
                SELECT a.delivery_id, a.finished_at, a.detail FROM delivery d
                JOIN attempt a ON a.delivery_id = d.id AND a.number = d.attempts
                WHERE d.id = ANY($1::bigint[]) AND a.finished_at IS NOT NULL AND a.outcome <> 'interrupted'
                """, [.array(deliveryIDs)])
            var replies: [Int64: AttemptReply] = [:]
            for row in 0..<rows.count {
                replies[rows.int64(row, 0)] = AttemptReply(
                    finishedAt: Date(millis: rows.int64(row, 1)), detail: rows.optionalText(row, 2))
            }
            return replies
        }
    }

    /// The instance named in the last attempt of each of `deliveryIDs` (`attempt.instance`, written
    /// at the claim, so a row in `sending` names the one sending it); rows copied by
    /// `migrate-store` from SQLite name none. One statement however many ids.
    public func lastAttemptInstances(deliveryIDs: [Int64]) throws -> [Int64: String] {
        guard !deliveryIDs.isEmpty else { return [:] }
        return try pool.withConnection { connection in
            let rows = try connection.query(
                """
                SELECT a.delivery_id, a.instance FROM delivery d
                JOIN attempt a ON a.delivery_id = d.id AND a.number = d.attempts
                WHERE d.id = ANY($1::bigint[]) AND a.instance IS NOT NULL
                """, [.array(deliveryIDs)])
            var instances: [Int64: String] = [:]
            for row in 0..<rows.count { instances[rows.int64(row, 0)] = rows.text(row, 1) }
            return instances
        }
    }

    /// The offsets planned are read for all the subscription's concerts in one statement; which
    /// reminders are missing is `UnplannedReminder.missing`'s rule.
    public func unplannedReminders(subscriptionID: String) throws -> [UnplannedReminder] {
        try pool.withConnection { connection in
            try connection.transaction(.repeatableRead) {
                guard let subscription = try PostgresStore.subscriptionRow(connection, id: subscriptionID) else {
                    return []
                }
                let rows = try connection.query(
                    """
                    SELECT DISTINCT concert_id, offset_seconds FROM delivery
                    WHERE subscription_id = $1 AND kind = 'reminder'
                    """, [.text(subscriptionID)])
                var planned: [String: Set<Int>] = [:]
                for row in 0..<rows.count { planned[rows.text(row, 0), default: []].insert(rows.int(row, 1)) }
                return UnplannedReminder.missing(
                    for: subscription,
                    concerts: try PostgresStore.storedConcerts(connection, inCities: subscription.cities)
                ) { planned[$0] ?? [] }
            }
        }
    }

    /// Makes a failed delivery due again at `now`, and tells the other instances
    /// (``StoreChangeNotice``) when it commits.
    public func retryDelivery(id: Int64, now: Date) throws {
        try pool.withConnection { connection in
            try connection.transaction {
                let rows = try connection.query(
                    """
                    UPDATE delivery SET state = 'retrying', next_attempt_at = $1, finished_at = NULL
                    WHERE id = $2 AND state = 'failed'
                    """, [.integer(now.millis), .integer(id)])
                if rows.changes == 0 {
                    throw StoreError(.conflict, "delivery \(id) does not exist or has not failed")
                }
                try StoreChangeNotice.send(.deliveries, connection)
            }
        }
    }

    /// The running counters, each the sum of its rows (one per instance).
    public func counters() throws -> [String: Int] {
        try pool.withConnection { connection in
            let rows = try connection.query("SELECT name, SUM(value)::bigint FROM counter GROUP BY name")
            var counters: [String: Int] = [:]
            for row in 0..<rows.count { counters[rows.text(row, 0)] = rows.int(row, 1) }
            return counters
        }
    }
}
