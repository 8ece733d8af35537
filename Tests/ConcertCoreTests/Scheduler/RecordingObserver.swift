import ConcertCore
import Synchronization

/// A ``DeliveryObserver`` that keeps every event, in order.
final class RecordingObserver: DeliveryObserver {
    enum Event: Hashable {
        case started(Delivery.Kind, channel: String, lateness: Double)
        case ended(channel: String, verdict: String)
        case retry(RetryReason)
    }

    private let recorded = Mutex<[Event]>([])
    var events: [Event] { recorded.withLock { $0 } }

    func sendStarted(kind: Delivery.Kind, channel: String, lateness: Double) {
        recorded.withLock { $0.append(.started(kind, channel: channel, lateness: lateness)) }
    }

    func sendEnded(channel: String, verdict: Verdict, duration: Double) {
        recorded.withLock { $0.append(.ended(channel: channel, verdict: verdict.name)) }
    }

    func retryScheduled(reason: RetryReason) {
        recorded.withLock { $0.append(.retry(reason)) }
    }
}
