import ConcertDaemon
import Dispatch
import Foundation
import Logging

/// SIGTERM and SIGINT drain and exit 0; SIGHUP reloads. Handled by Dispatch sources on a queue of
/// their own, never inside a signal handler.
enum SignalHandling {
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []

    static func install(daemon: Daemon, logger: Logger) {
        let queue = DispatchQueue(label: "concertd.signals")
        signal(SIGPIPE, SIG_IGN)
        for number in [SIGTERM, SIGINT, SIGHUP] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler {
                if number == SIGHUP {
                    do {
                        _ = try daemon.reload()
                    } catch {
                        logger.error("SIGHUP: reload rejected, old configuration kept", metadata: ["error": "\(error)"])
                    }
                } else {
                    logger.info("stopping", metadata: ["signal": "\(number == SIGTERM ? "SIGTERM" : "SIGINT")"])
                    daemon.stop()
                    exit(0)
                }
            }
            source.resume()
            sources.append(source)
        }
    }
}
