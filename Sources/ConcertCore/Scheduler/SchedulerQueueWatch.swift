import Dispatch
import Synchronization

/// What the scheduler's `liveness` reads from any thread: the outstanding no-op on its queue, and
/// when the store call the queue is in began.
final class SchedulerQueueWatch: Sendable {
    /// The outstanding no-op of `liveness` on the queue, if any.
    private let probe = LivenessProbe()
    /// When the store call the queue is in began (monotonic nanoseconds), 0 outside store calls.
    private let storeCallStarted = Mutex<UInt64>(0)

    /// Runs a call into the store, noting when it began: waiting for the database's writer (an
    /// import holds it for half a minute) is not being stuck.
    func timedStoreCall<T>(_ body: () throws -> T) rethrows -> T {
        storeCallStarted.withLock { $0 = DispatchTime.now().uptimeNanoseconds }
        defer { storeCallStarted.withLock { $0 = 0 } }
        return try body()
    }

    /// Whether `queue` runs a no-op within `timeout`, and if not, whether it is in a store call.
    /// Needs nothing from the store, so it never waits for the database's writer.
    func liveness(of queue: DispatchQueue, timeout: Duration) -> SchedulerLiveness {
        switch probe.check(timeout: timeout, { reply in queue.async { reply(nil) } }) {
        case .answered:
            return .responsive
        case .waiting(let seconds):
            let started = storeCallStarted.withLock { $0 }
            guard started != 0 else { return .stuck(seconds: seconds) }
            return .waitingForStore(seconds: Double(DispatchTime.now().uptimeNanoseconds &- started) / 1e9)
        }
    }
}
