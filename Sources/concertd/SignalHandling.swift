import ConcertDaemon
import Dispatch
import Foundation
import Logging

/// SIGTERM and SIGINT drain and exit 0; SIGHUP reloads. Handled by Dispatch sources on a queue of
/// their own, never inside a signal handler.
///
/// The sources exist before the daemon starts (and tells systemd it is ready), on a queue held
/// suspended until the daemon is attached: a signal that arrives in between waits instead of
/// killing the process with its default action.
final class SignalHandling: @unchecked Sendable {
    private let queue = DispatchQueue(label: "concertd.signals")
    private var sources: [any DispatchSourceSignal] = []
    private var daemon: Daemon?
    private let logger: Logger

    init(logger: Logger) {
        self.logger = logger
        queue.suspend()
        signal(SIGPIPE, SIG_IGN)
        for number in [SIGTERM, SIGINT, SIGHUP] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { [unowned self] in self.handle(number) }
            source.resume()
            sources.append(source)
        }
    }

    private var suspended = true

    /// Starts delivering signals to `daemon`, including any that arrived while it started.
    func attach(_ daemon: Daemon) {
        self.daemon = daemon
        suspended = false
        queue.resume()
    }

    deinit {
        // libdispatch traps on the release of a suspended queue (start failed: no daemon attached).
        if suspended { queue.resume() }
    }

    private func handle(_ number: Int32) {
        guard let daemon else { return }
        if number == SIGHUP {
            do {
                _ = try daemon.reload(requestedBy: .signal("SIGHUP"))
            } catch {
                // Logged by the reload itself, with the reason; the old configuration stays in force.
            }
        } else {
            logger.info("stopping", metadata: ["signal": "\(number == SIGTERM ? "SIGTERM" : "SIGINT")"])
            daemon.stop()
            exit(0)
        }
    }
}
