import CCurl
import Foundation

/// The transport thread's `curl_multi_poll` loop: starts submitted jobs, drives libcurl, and hands
/// finished transfers to their callbacks.
///
/// Created and run on the transport thread; it alone uses the multi handle (besides the wake-up)
/// and the easy handles.
final class TransportLoop {
    private let core: TransportCore
    private let configuration: CurlTransport.Configuration
    private var multi: UnsafeMutableRawPointer { core.multi }
    private var idle: [EasyHandle] = []
    private var active: [UnsafeMutableRawPointer: EasyHandle] = [:]
    private var submitted: [TransferJob] = []
    private var finished: [(@Sendable (TransferResult) -> Void, TransferResult)] = []

    /// The longest sleep in `curl_multi_poll` while transfers run; libcurl shortens it to its own
    /// next timeout.
    private static let pollMilliseconds: Int32 = 1000
    /// The sleep with nothing to do: as long as `curl_multi_poll` takes. `curl_multi_wakeup` ends
    /// it when work is submitted, so an idle daemon makes no periodic wake-ups.
    private static let idleMilliseconds = Int32.max

    init(core: TransportCore, configuration: CurlTransport.Configuration) {
        self.core = core
        self.configuration = configuration
    }

    /// Runs until a stop is requested and every transfer has finished or its deadline has passed.
    func run() {
        _ = ccurl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, max(1, configuration.maxConnections))
        while true {
            let stopDeadline = core.takeSubmissions(into: &submitted)
            for job in submitted {
                if stopDeadline == nil {
                    start(job)
                } else {
                    finished.append((job.completion, .notSent(.stopped, "the transport is stopping")))
                }
            }
            submitted.removeAll(keepingCapacity: true)

            var running: Int32 = 0
            _ = curl_multi_perform(multi, &running)
            collectFinished()
            deliverFinished()

            var timeout = active.isEmpty ? Self.idleMilliseconds : Self.pollMilliseconds
            if let stopDeadline {
                let left = ContinuousClock.now.duration(to: stopDeadline)
                if active.isEmpty { break }
                if left <= .zero {
                    abortActive()
                    break
                }
                timeout = Int32(min(Int(timeout), left.curlMilliseconds))
            }
            _ = curl_multi_poll(multi, nil, 0, timeout, nil)
        }
        for job in core.close() {
            finished.append((job.completion, .notSent(.stopped, "the transport is stopped")))
        }
        deliverFinished()
        idle.removeAll()
    }

    private func start(_ job: TransferJob) {
        guard let easy = idle.popLast() ?? EasyHandle() else {
            finished.append((job.completion, .notSent(.other, "libcurl could not create a handle")))
            return
        }
        do {
            try easy.prepare(job, configuration: configuration)
        } catch {
            finished.append((job.completion, .notSent(error.failure, error.message)))
            recycle(easy)
            return
        }
        let added = curl_multi_add_handle(multi, easy.curl)
        guard added == CURLM_OK else {
            let reason = String(cString: curl_multi_strerror(added))
            finished.append((job.completion, .notSent(.other, "libcurl could not start the transfer: \(reason)")))
            recycle(easy)
            return
        }
        active[easy.curl] = easy
    }

    /// Reads every finished transfer off the multi handle.
    private func collectFinished() {
        var queued: Int32 = 0
        while let message = curl_multi_info_read(multi, &queued) {
            guard message.pointee.msg == CURLMSG_DONE, let handle = message.pointee.easy_handle else { continue }
            let code = message.pointee.data.result
            // `message` is invalid once its handle is removed: everything is read from it above.
            guard let easy = active.removeValue(forKey: handle) else { continue }
            let result = easy.result(of: code)
            if let completion = easy.completion { finished.append((completion, result)) }
            curl_multi_remove_handle(multi, handle)
            recycle(easy)
        }
    }

    /// Ends every running transfer at the stop deadline.
    private func abortActive() {
        for (handle, easy) in active {
            curl_multi_remove_handle(multi, handle)
            if let completion = easy.completion {
                finished.append((completion, .notSent(.stopped, "the transport stopped before the transfer finished")))
            }
            recycle(easy)
        }
        active.removeAll()
    }

    private func recycle(_ easy: EasyHandle) {
        easy.recycle()
        if idle.count < configuration.idleHandleLimit { idle.append(easy) }
    }

    /// Calls the finished transfers' callbacks on the completion queue, all in one block.
    private func deliverFinished() {
        guard !finished.isEmpty else { return }
        let batch = finished
        finished.removeAll(keepingCapacity: true)
        core.completionQueue.async {
            for (completion, result) in batch { completion(result) }
        }
    }
}
