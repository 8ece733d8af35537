import ConcertCore
import ConcertDaemon
import ConcertProtocol
import Foundation
import Logging

/// A whole daemon in the fuzzing process, whose handler carries out every request the fuzzer
/// makes up: the shipped catalog, a database in a temporary folder, a shifted clock.
///
/// Nothing leaves the machine: every libcurl transfer goes through a proxy on a closed port of
/// 127.0.0.1 (`ALL_PROXY`, which libcurl reads at each transfer), and SMTP to another closed port,
/// so subscriptions and concerts the fuzzer adds fail their sends at once.
final class FuzzDaemon: Sendable {
    static let shared = FuzzDaemon()

    private let handler: DaemonControlHandler
    private let peer = PeerCredentials(pid: 1, uid: 0, gid: 0)

    private init() {
        setenv("ALL_PROXY", "http://127.0.0.1:9", 1)
        setenv("HTTPS_PROXY", "http://127.0.0.1:9", 1)
        setenv("HTTP_PROXY", "http://127.0.0.1:9", 1)
        unsetenv("NO_PROXY")
        unsetenv("no_proxy")
        var template = Array("/tmp/cdfuzz-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(made != nil, "mkdtemp failed")
        let directory = String(cString: made!)
        let catalog = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("etc/concertd/concerts.json5").path
        let options = Daemon.Options(
            overrides: ConfigurationOverrides(
                stateDirectory: directory + "/state", socketPath: directory + "/c.sock", catalog: catalog,
                smtpURL: "smtp://127.0.0.1:9", mailFrom: "fuzz@concertd.example.org", clockStart: "2019-10-20T00:00"),
            environment: ["HOME": directory, "CONFIGURATION_DIRECTORY": directory + "/etc"])
        do {
            handler = DaemonControlHandler(
                daemon: try Daemon.start(options, logger: Logger(label: "fuzz") { _ in SwiftLogNoOpLogHandler() }))
        } catch {
            fatalError("the fuzzing daemon did not start: \(error)")
        }
    }

    /// Hands `request` to the handler and waits for its reply, as the control server does.
    func handle(_ request: ControlRequest) -> ControlReply {
        let reply = Reply()
        let handler = handler
        let peer = peer
        Task(executorPreference: Self.executor) {
            reply.value = await handler.handle(request, peer: peer)
            reply.done.signal()
        }
        reply.done.wait()
        return reply.value!
    }

    private final class Reply: @unchecked Sendable {
        // @unchecked: written by the task before it signals `done`, read after the wait.
        var value: ControlReply?
        let done = DispatchSemaphore(value: 0)
    }

    /// The handlers' tasks run on a queue of their own, as in the daemon: a caller blocked waiting
    /// (a test on Swift's cooperative pool) cannot starve them of a thread.
    private static let executor = QueueExecutor()

    private final class QueueExecutor: TaskExecutor, @unchecked Sendable {
        // @unchecked: `queue` is immutable and thread-safe.
        private let queue = DispatchQueue(label: "concertd.fuzz.handlers")

        func enqueue(_ job: consuming ExecutorJob) {
            let job = UnownedJob(job)
            queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
        }
    }
}
