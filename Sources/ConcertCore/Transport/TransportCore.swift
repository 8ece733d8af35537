import CCurl
import Foundation

/// The part of the transport shared between threads: the submission queue, the stop request and the
/// multi handle's wake-up.
///
/// `curl_multi_wakeup` is the only libcurl call made from other threads (libcurl allows it); every
/// other use of the multi handle stays on the transport thread. The multi handle lives as long as this
/// object, so a submitter can always wake it.
final class TransportCore: @unchecked Sendable {
    /// The `CURLM *`; see the type's comment for who may use it.
    let multi: UnsafeMutableRawPointer
    /// Where results are handed to their callbacks, off the transport thread.
    let completionQueue: DispatchQueue
    private static let completionQueueKey = DispatchSpecificKey<Bool>()
    /// Left by the transport thread when it has finished; `stop` waits for it.
    let finished = DispatchGroup()

    private let lock = NSLock()
    private var queue: [TransferJob] = []
    private var wakeupPending = false
    private var stopDeadline: ContinuousClock.Instant?
    private var closed = false

    init?() {
        guard let multi = curl_multi_init() else { return nil }
        self.multi = multi
        completionQueue = DispatchQueue(label: "concertd.transport.completions")
        completionQueue.setSpecific(key: Self.completionQueueKey, value: true)
    }

    deinit {
        curl_multi_cleanup(multi)
    }

    /// Queues a job and wakes the transport thread if it may be asleep; after `close` the job fails at once.
    func submit(_ job: TransferJob) {
        lock.lock()
        if closed {
            lock.unlock()
            completionQueue.async { job.completion(.notSent(.stopped, "the transport is stopped")) }
            return
        }
        queue.append(job)
        let wake = !wakeupPending
        wakeupPending = true
        lock.unlock()
        if wake { curl_multi_wakeup(multi) }
    }

    /// The jobs submitted since the last call, and the stop deadline once a stop was requested.
    func takeSubmissions(into jobs: inout [TransferJob]) -> ContinuousClock.Instant? {
        lock.lock()
        defer { lock.unlock() }
        swap(&jobs, &queue)
        wakeupPending = false
        return stopDeadline
    }

    /// Asks the transport thread to stop; the earliest deadline of several requests wins.
    func requestStop(deadline: ContinuousClock.Instant) {
        lock.lock()
        stopDeadline = min(stopDeadline ?? deadline, deadline)
        lock.unlock()
        curl_multi_wakeup(multi)
    }

    /// Refuses further submissions and returns those that arrived too late to start.
    func close() -> [TransferJob] {
        lock.lock()
        defer { lock.unlock() }
        closed = true
        let late = queue
        queue = []
        return late
    }

    var isOnCompletionQueue: Bool {
        DispatchQueue.getSpecific(key: Self.completionQueueKey) == true
    }
}
