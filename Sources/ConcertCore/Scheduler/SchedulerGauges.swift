/// What the metrics read of the scheduler from any thread, without waiting for its queue
/// (`DeliveryScheduler.gauges`).
public struct SchedulerGauges: Sendable, Hashable {
    /// Sends in progress.
    public var inFlight = 0
    /// Destinations held for failing and webhook hosts failing (as `status` lists them).
    public var failingDestinations = 0

    public init(inFlight: Int = 0, failingDestinations: Int = 0) {
        self.inFlight = inFlight
        self.failingDestinations = failingDestinations
    }
}
