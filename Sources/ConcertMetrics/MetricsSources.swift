import ConcertCore

/// Where a scrape reads the gauges that are not counted as work is done: the store's running
/// counters and size, and the scheduler's published gauges. Closures, so that a test can make
/// the store fail.
public struct MetricsSources: Sendable {
    /// The store's `counter` table (`delivery.scheduled`, `subscription_source.import.active`, …).
    public var counters: @Sendable () throws -> [String: Int]
    /// The database's size in bytes.
    public var databaseSize: @Sendable () throws -> Int64
    /// Sends in flight and failing destinations, read without waiting for the scheduler's queue.
    public var scheduler: @Sendable () -> SchedulerGauges

    public init(
        counters: @escaping @Sendable () throws -> [String: Int], databaseSize: @escaping @Sendable () throws -> Int64,
        scheduler: @escaping @Sendable () -> SchedulerGauges
    ) {
        self.counters = counters
        self.databaseSize = databaseSize
        self.scheduler = scheduler
    }

    /// The sources of a running store and scheduler.
    public init(store: any StoreMaintenance & DeliveryHistoryStore, scheduler: DeliveryScheduler) {
        self.init(
            counters: { try store.counters() }, databaseSize: { try store.size() },
            scheduler: { scheduler.gauges })
    }
}
