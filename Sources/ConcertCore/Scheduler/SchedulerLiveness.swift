/// How the scheduler's queue answered a liveness check.
public enum SchedulerLiveness: Sendable, Hashable {
    /// It ran a no-op in time.
    case responsive
    /// It is inside a call into the store, begun this many seconds ago: waiting for the
    /// database's writer (an import holds it for half a minute) or for a locked database's busy timeout.
    case waitingForStore(seconds: Double)
    /// It did not run a no-op asked for this many seconds ago, and is in no store call.
    case stuck(seconds: Double)
}
