import Dispatch

/// Runs control handlers' tasks on a serial Dispatch queue instead of Swift's cooperative pool.
///
/// Measured here: once any task has run on the cooperative pool, libdispatch's pool monitor wakes
/// a thread every second for as long as the process lives, so an idle daemon would never be idle.
/// Handlers mostly wait on the database or a continuation, so one queue serves them all.
final class HandlerExecutor: TaskExecutor, @unchecked Sendable {
    // @unchecked: `queue` is immutable and thread-safe.
    static let shared = HandlerExecutor(label: "concertd.control.handlers")

    private let queue: DispatchQueue

    init(label: String) {
        queue = DispatchQueue(label: label)
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
