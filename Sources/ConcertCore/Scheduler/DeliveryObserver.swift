/// What the scheduler reports as it works, for the operator's metrics (the send histograms,
/// retries). Deliveries reaching a final state are counted by the store, wherever the move is
/// made (``FinishedDeliveryCount``).
///
/// An observer protocol rather than swift-metrics' API with an injected factory: ConcertCore
/// reports events in its own terms (a delivery's kind, its channel, a verdict) and the module that
/// implements this (`ConcertMetrics`) owns the metric names, labels, buckets and the exposition.
/// So the core links no metrics library, a test records the events with a plain type, and each
/// daemon has its own observer: many daemons in one process (the tests) share no global state.
///
/// Called on the scheduler's queue, and `sendEnded` on the channel's completion thread: an
/// implementation must be cheap, must not block, and must not call back into the scheduler.
public protocol DeliveryObserver: Sendable {
    /// A send begins, `lateness` seconds on the scheduler's clock (at least 0) after the moment
    /// its attempt was due.
    func sendStarted(kind: Delivery.Kind, channel: String, lateness: Double)
    /// One attempt ended with `verdict` after `duration` seconds of real (monotonic) time.
    func sendEnded(channel: String, verdict: Verdict, duration: Double)
    /// A delivery is put back to be tried again.
    func retryScheduled(reason: RetryReason)
}

/// Why a delivery is tried again: the verdict's classification, a fixed set.
public enum RetryReason: String, Sendable, CaseIterable {
    /// The receiver asked for another try (timeout, 408/425/429, 5xx, SMTP 4xx), or the message
    /// could not be built because the concert could not be read.
    case retryable
    /// The destination as a whole failed (connection refused, TLS, SMTP AUTH).
    case destinationFailed = "destination_failed"
}

extension DeliveryScheduler {
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
