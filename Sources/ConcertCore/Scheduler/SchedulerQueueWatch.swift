import Dispatch
import Synchronization

/// What the scheduler's `liveness` reads from any thread: the outstanding no-op on its queue, and
/// when the store call the queue is in began.
final class SchedulerQueueWatch: Sendable {
    /// The outstanding no-op of `liveness` on the queue, if any.
    let probe = LivenessProbe()
    /// When the store call the queue is in began (monotonic nanoseconds), 0 outside store calls.
    let storeCallStarted = Mutex<UInt64>(0)

    /// Runs a call into the store, noting when it began: waiting for the database's writer (an
    /// import holds it for half a minute) is not being stuck.
    func timedStoreCall<T>(_ body: () throws -> T) rethrows -> T {
        storeCallStarted.withLock { $0 = DispatchTime.now().uptimeNanoseconds }
        defer { storeCallStarted.withLock { $0 = 0 } }
        return try body()
    }
}
