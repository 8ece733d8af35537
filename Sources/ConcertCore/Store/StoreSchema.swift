/// The store's schema versions, one numbering for every engine: version N is the first N of
/// ``migrations`` applied, and means the same data on SQLite and on PostgreSQL (`ConcertdStore`),
/// so a daemon refuses a store newer than itself whichever engine holds it.
public enum StoreSchema {
    /// The migrations in order, by the names each engine records them under.
    public static let migrations = [
        "v1-concerts-subscriptions",
        "v2-delivery-outbox",
        "v3-running-counters",
        "v4-lean-bulk-inserts",
        "v5-lean-state-changes",
        "v6-checks-without-in-lists",
        "v7-normalized-webhook-targets",
        "v8-subscription-source",
        "v9-finished-delivery-totals",
        "v10-web-front-door",
        "v11-pending-by-subscription",
        "v12-subscription-position",
        "v13-deliveries-by-subscription",
        "v14-catalog-in-force-and-clock-anchor",
    ]

    /// The refusal of a store with migrations this code does not know (`unknown`, applied by a
    /// newer concertd): running it would lose what the newer code keeps.
    public static func newerSchemaError(unknown: [String]) -> StoreError {
        StoreError(
            .newerSchema,
            "the database was written by a newer concertd (schema \(migrations.count + unknown.count) "
                + "with migrations \(unknown.joined(separator: ", ")); this concertd knows schema "
                + "\(migrations.count). Refusing to start: run the newer concertd, or restore a backup")
    }
}
