import Foundation

/// What the scheduler reports: its activity (for a status line), `status`, and the gauges the
/// metrics read from any thread.
extension DeliveryScheduler {
    /// Called after the scheduler has written records, on its queue: for a status line that
    /// follows the work without polling.
    public func onActivity(_ handler: @escaping @Sendable () -> Void) {
        queue.async { self.activityHandler = handler }
    }

    /// What the scheduler is doing, for `status`.
    public func status() -> SchedulerStatus {
        queue.sync {
            SchedulerStatus(
                now: clock.now(), clockShifted: clock.isShifted, inFlight: inFlight,
                failingDestinations: policy.failingDestinations,
                timerArmedFor: armedFor, timerFires: timerFires, storeFault: storeFault.fault)
        }
    }

    /// What the metrics read from any thread, without waiting for the scheduler's queue.
    public struct Gauges: Sendable, Hashable {
        /// Sends in progress.
        public var inFlight = 0
        /// Destinations held for failing and webhook hosts failing (as `status` lists them).
        public var failingDestinations = 0

        public init(inFlight: Int = 0, failingDestinations: Int = 0) {
            self.inFlight = inFlight
            self.failingDestinations = failingDestinations
        }
    }
}
