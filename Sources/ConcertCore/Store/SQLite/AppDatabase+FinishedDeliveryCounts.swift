import GRDB

extension AppDatabase {
    /// Counts the rows in a final state grouped by state, kind and subscription first (one pass
    /// over the outbox, no join per row), then folds each subscription's groups into its channel.
    public func finishedDeliveryCounts() throws -> [FinishedDeliveryCount] {
        try writer.read { db in
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT d.state, d.kind, CASE s.channel WHEN 'email' THEN 'email' ELSE s.format END, d.n
                    FROM (SELECT state, kind, subscription_id, COUNT(*) AS n FROM delivery
                          WHERE state = 'sent' OR state = 'failed' OR state = 'skipped'
                          GROUP BY subscription_id, state, kind) d
                    JOIN subscription s ON s.id = d.subscription_id
                    """)
            var counts: [FinishedDeliveryCount: Int] = [:]
            while let row = try rows.next() {
                let stateText: String = row[0]
                let kindText: String = row[1]
                let channel: String? = row[2]
                let count: Int = row[3]
                guard let state = Delivery.State(rawValue: stateText), let kind = Delivery.Kind(rawValue: kindText)
                else {
                    throw StoreError(.invalid, "a delivery has an unknown state '\(stateText)' or kind '\(kindText)'")
                }
                let key = FinishedDeliveryCount(state: state, kind: kind, channel: channel ?? "unknown", count: 0)
                counts[key, default: 0] += count
            }
            return counts.map { key, count in
                FinishedDeliveryCount(state: key.state, kind: key.kind, channel: key.channel, count: count)
            }.sorted {
                ($0.state.rawValue, $0.kind.rawValue, $0.channel) < ($1.state.rawValue, $1.kind.rawValue, $1.channel)
            }
        }
    }
}
