import ConcertCore

extension DaemonMetrics: DeliveryObserver {
    public func sendStarted(kind: Delivery.Kind, channel: String, lateness: Double) {
        self.lateness.record(lateness)
    }

    public func sendEnded(channel: String, verdict: Verdict, duration: Double) {
        sendDuration(channel: channel).record(duration)
    }

    public func retryScheduled(reason: RetryReason) {
        registry.makeCounter(descriptor: Self.retriesName, labels: [("reason", reason.rawValue)]).increment()
    }
}
