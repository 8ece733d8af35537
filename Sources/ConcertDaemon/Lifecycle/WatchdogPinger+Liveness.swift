import ConcertCore
import Foundation
import Logging
import Synchronization

extension WatchdogPinger {
    /// The pinger's `isHealthy` for a liveness check: pings only while `check` finds the daemon
    /// alive, and logs once when it stops (with what is wrong) and once when it passes again.
    static func healthCheck(
        _ check: @escaping @Sendable () -> LivenessReport, logger: Logger
    ) -> @Sendable () -> Bool {
        let wasAlive = Mutex(true)
        return {
            let report = check()
            let changed = wasAlive.withLock { alive in
                defer { alive = report.isAlive }
                return alive != report.isAlive
            }
            if changed && !report.isAlive {
                logger.error(
                    "liveness check failed; not answering the systemd watchdog",
                    metadata: ["problems": "\(report.problems.joined(separator: "; "))"])
            } else if changed {
                logger.notice("liveness check passes again; answering the systemd watchdog")
            }
            return report.isAlive
        }
    }
}
