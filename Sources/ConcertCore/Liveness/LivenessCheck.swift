import Foundation

/// The daemon's liveness as the systemd watchdog and health checks see it: the scheduler's queue
/// runs a no-op, and a reader connection of the database reads. Neither needs the write lock.
///
/// A scheduler waiting inside a store call counts as alive while the database answers reads,
/// for up to `maximumStoreWait`: committing a million-row import holds the writer for half a
/// minute, close to the usual `WatchdogSec`, and restarting the daemon then would lose the import.
public struct LivenessCheck: Sendable {
    public var scheduler: DeliveryScheduler
    public var database: any StoreMaintenance
    /// How long each part may take to answer.
    public var timeout: Duration
    /// The longest the scheduler may wait inside one store call and still count as alive.
    public var maximumStoreWait: Duration

    public init(
        scheduler: DeliveryScheduler, database: any StoreMaintenance, timeout: Duration = .seconds(5),
        maximumStoreWait: Duration = .seconds(600)
    ) {
        self.scheduler = scheduler
        self.database = database
        self.timeout = timeout
        self.maximumStoreWait = maximumStoreWait
    }

    /// Checks both parts, at most about twice `timeout` in all.
    public func run() -> LivenessReport {
        var report = database.readLiveness(timeout: timeout)
        switch scheduler.liveness(timeout: timeout) {
        case .responsive:
            break
        case .waitingForStore(let seconds) where seconds <= maximumStoreWait.seconds:
            report.notes.append("the scheduler has waited \(Int(seconds)) s for the database")
        case .waitingForStore(let seconds):
            report.problems.append("the scheduler has waited \(Int(seconds)) s for the database")
        case .stuck(let seconds):
            report.problems.append("the scheduler has not run a no-op asked for \(Int(seconds)) s ago")
        }
        return report
    }
}
