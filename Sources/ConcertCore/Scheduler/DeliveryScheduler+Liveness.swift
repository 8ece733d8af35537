import Dispatch
import Foundation

/// How the scheduler's queue answered a liveness check.
public enum SchedulerLiveness: Sendable, Hashable {
    /// It ran a no-op in time.
    case responsive
    /// It is inside a call into the store, begun this many seconds ago: waiting for the
    /// database's writer (an import holds it for half a minute) or for a locked database's busy timeout.
    case waitingForStore(seconds: Double)
    /// It did not run a no-op asked for this many seconds ago, and is in no store call.
    case stuck(seconds: Double)
}

extension DeliveryScheduler {
    /// Whether the scheduler's queue runs a no-op within `timeout`. Needs nothing from the
    /// store, so it never waits for the database's writer.
    public func liveness(timeout: Duration) -> SchedulerLiveness {
        let queue = self.queue
        switch queueWatch.probe.check(timeout: timeout, { reply in queue.async { reply(nil) } }) {
        case .answered:
            return .responsive
        case .waiting(let seconds):
            let started = queueWatch.storeCallStarted.withLock { $0 }
            guard started != 0 else { return .stuck(seconds: seconds) }
            return .waitingForStore(seconds: Double(DispatchTime.now().uptimeNanoseconds &- started) / 1e9)
        }
    }
}
