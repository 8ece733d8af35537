import ConcertCore

extension DaemonMetrics {
    /// Refreshes the gauges from `sources` and writes every metric in the Prometheus text format
    /// (0.0.4). The store's gauges come from its running counters and its page count, so a scrape
    /// costs the same with a million subscriptions as with none. When the store cannot be read the
    /// scrape still answers: `concertd_store_up` is 0 and the store's gauges keep their last values.
    public func scrape(_ sources: MetricsSources) -> [UInt8] {
        let scheduler = sources.scheduler()
        sendsInFlight.set(to: Double(scheduler.inFlight))
        failingDestinations.set(to: Double(scheduler.failingDestinations))
        do {
            let counters = try sources.counters()
            let size = try sources.databaseSize()
            outboxDepth.set(
                to: Double(counters["delivery.scheduled", default: 0] + counters["delivery.retrying", default: 0]))
            databaseSize.set(to: Double(size))
            showDeliveries(FinishedDeliveryCount.totals(in: counters))
            for state in Subscription.State.allCases {
                for source in Subscription.Source.allCases {
                    registry.makeGauge(
                        descriptor: Self.subscriptionsName,
                        labels: [("state", state.rawValue), ("source", source.rawValue)]
                    ).set(to: Double(counters[Subscription.Source.counterName(source, state), default: 0]))
                }
            }
            storeUp.set(to: 1)
        } catch {
            storeUp.set(to: 0)
        }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(16_384)
        registry.emit(into: &buffer)
        return buffer
    }
}
