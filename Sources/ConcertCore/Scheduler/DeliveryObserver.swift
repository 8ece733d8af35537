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
/// A sink: the scheduler tells it through its journal alone (``DeliveryJournal``), on the
/// scheduler's queue, and `sendEnded` on the channel's completion thread: an implementation must be
/// cheap, must not block, and must not call back into the scheduler.
public protocol DeliveryObserver: Sendable {
    /// A send begins, `lateness` seconds on the scheduler's clock (at least 0) after the moment
    /// its attempt was due.
    func sendStarted(kind: Delivery.Kind, channel: String, lateness: Double)
    /// One attempt ended with `verdict` after `duration` seconds of real (monotonic) time.
    func sendEnded(channel: String, verdict: Verdict, duration: Double)
    /// A delivery is put back to be tried again.
    func retryScheduled(reason: RetryReason)
}
