import Foundation
import GRDB

extension AppDatabase {
    /// At most `limit` subscriptions not removed, in the order they were created, after `after`;
    /// only those of `city` when one is given.
    public func subscriptions(
        city: String?, after: ListingPosition.Subscription?, limit: Int
    ) throws -> [(position: ListingPosition.Subscription, entry: Subscription)] {
        try writer.read { db in
            var sql = "SELECT s.rowid, \(Subscription.columns(of: "s")) FROM subscription s WHERE s.rowid > ?"
            if city != nil {
                sql +=
                    " AND EXISTS (SELECT 1 FROM subscription_city sc WHERE sc.subscription_id = s.id AND sc.city_id = ?)"
            }
            sql += " AND s.state <> 'removed' ORDER BY s.rowid LIMIT ?"
            var arguments: StatementArguments = [after ?? Int64.min]
            if let city { arguments += [city] }
            arguments += [limit]
            return try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments).map {
                ($0.int64(0), Subscription(columns: $0, at: 1))
            }
        }
    }

    /// At most `limit` concerts in start order after `after`; only those of `city` when one is
    /// given, and only scheduled ones not ended at `endingAfter` when that is given.
    public func concerts(
        city: String?, endingAfter: Date?, after: ListingPosition.Concert?, limit: Int
    ) throws -> [(position: ListingPosition.Concert, entry: StoredConcert)] {
        try writer.read { db in
            var sql = "SELECT starts_at, id, origin, revision, body FROM concert c WHERE (starts_at, id) > (?, ?)"
            var arguments: StatementArguments = [after?.startMillis ?? Int64.min, after?.id ?? ""]
            if let endingAfter {
                sql += " AND status = 'scheduled' AND ends_at > ?"
                arguments += [endingAfter.millis]
            }
            if let city {
                sql += " AND EXISTS (SELECT 1 FROM concert_city cc WHERE cc.concert_id = c.id AND cc.city_id = ?)"
                arguments += [city]
            }
            sql += " ORDER BY starts_at, id LIMIT ?"
            arguments += [limit]
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                (ListingPosition.Concert(startMillis: row["starts_at"], id: row["id"]), try StoredConcert(row: row))
            }
        }
    }

    /// At most `limit` deliveries, newest first, before the one numbered `before`, optionally
    /// filtered.
    public func deliveries(
        state: Delivery.State?, subscriptionID: String?, before: Int64?, limit: Int
    ) throws -> [Delivery] {
        try writer.read { db in
            var sql = "SELECT \(Delivery.columns(of: "delivery")) FROM delivery WHERE id < ?"
            if state != nil { sql += " AND state = ?" }
            if subscriptionID != nil { sql += " AND subscription_id = ?" }
            sql += " ORDER BY id DESC LIMIT ?"
            var arguments: StatementArguments = [before ?? Int64.max]
            if let state { arguments += [state.rawValue] }
            if let subscriptionID { arguments += [subscriptionID] }
            arguments += [limit]
            return try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments).map {
                Delivery(columnsOf: $0)
            }
        }
    }

    /// At most `limit` pending deliveries in due order after `after`: what `upcoming` lists.
    public func upcoming(
        after: ListingPosition.Due?, limit: Int
    ) throws -> [(position: ListingPosition.Due, entry: Delivery)] {
        try writer.read { db in
            let select = "SELECT \(Delivery.columns(of: "d")), d.next_attempt_at FROM delivery d"
            return try Self.pendingPage(db, select: select, after: after, limit: limit) { row in
                (
                    ListingPosition.Due(dueMillis: row.int64(Delivery.columnCount), id: row.int64(0)),
                    Delivery(columnsOf: row)
                )
            }
        }
    }

    /// At most `limit` pending deliveries due in `[from, to]`, in due order after `after`, with
    /// their subscriptions: what `preview` renders. With `city`, only those whose subscription and
    /// concert both include it.
    public func pendingDeliveries(
        from: Date, to: Date, city: String?, after: ListingPosition.Due?, limit: Int
    ) throws -> [(position: ListingPosition.Due, entry: PendingDelivery)] {
        try writer.read { db in
            let select = "SELECT \(PendingDelivery.columnList), d.next_attempt_at \(PendingDelivery.tables)"
            var conditions = " AND d.next_attempt_at >= ? AND d.next_attempt_at <= ?"
            if city != nil {
                conditions += """
                     AND EXISTS (SELECT 1 FROM subscription_city sc WHERE sc.subscription_id = d.subscription_id
                        AND sc.city_id = ?)
                     AND EXISTS (SELECT 1 FROM concert_city cc WHERE cc.concert_id = d.concert_id AND cc.city_id = ?)
                    """
            }
            var conditionArguments: StatementArguments = [from.millis, to.millis]
            if let city { conditionArguments += [city, city] }
            let keyColumn = PendingDelivery.columnCount
            return try Self.pendingPage(
                db, select: select, conditions: conditions, conditionArguments: conditionArguments, after: after,
                limit: limit
            ) { row in
                (
                    ListingPosition.Due(dueMillis: row.int64(keyColumn), id: row.int64(0)),
                    PendingDelivery(columns: row)
                )
            }
        }
    }

    /// A page of pending rows in due order: `select` (reading `delivery d`) narrowed by
    /// `conditions`, whose values are `conditionArguments`.
    ///
    /// Two steps, each through the index of pending rows: the rest of the rows due at the same
    /// time as the last one seen, by id, then the rows due later. A fan-out has thousands of rows
    /// due at one time; a single `(next_attempt_at, id) > (?, ?)` made SQLite walk through all of
    /// them before the position on every page.
    private static func pendingPage<Entry>(
        _ db: Database, select: String, conditions: String = "", conditionArguments: StatementArguments = [],
        after: ListingPosition.Due?, limit: Int, decode: (Row) throws -> (position: ListingPosition.Due, entry: Entry)
    ) throws -> [(position: ListingPosition.Due, entry: Entry)] {
        let pending =
            select.replacingOccurrences(of: "FROM delivery d", with: "FROM delivery d INDEXED BY delivery_pending")
            + " WHERE d.state IN ('scheduled', 'retrying')"
        var entries: [(position: ListingPosition.Due, entry: Entry)] = []
        if let after {
            let statement = try db.cachedStatement(
                sql: pending + " AND d.next_attempt_at = ? AND d.id > ?" + conditions + " ORDER BY d.id LIMIT ?")
            let arguments: StatementArguments = [after.dueMillis, after.id] + conditionArguments + [limit]
            entries = try Row.fetchAll(statement, arguments: arguments).map(decode)
        }
        guard entries.count < limit else { return entries }
        let statement = try db.cachedStatement(
            sql: pending + " AND d.next_attempt_at > ?" + conditions + " ORDER BY d.next_attempt_at, d.id LIMIT ?")
        let arguments: StatementArguments =
            [after?.dueMillis ?? Int64.min] + conditionArguments + [limit - entries.count]
        return try entries + Row.fetchAll(statement, arguments: arguments).map(decode)
    }
}
