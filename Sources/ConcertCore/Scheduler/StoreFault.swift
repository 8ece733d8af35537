import Foundation

/// The outbox could not be read or written (the database locked past its busy timeout, a full
/// disk, a read-only file): what the scheduler shows in `status` while it waits to try again.
///
/// Meanwhile nothing new is claimed (a claim is a write), so no message is sent without its row
/// marked `sending` first; the verdicts of the sends already in flight are kept in memory and
/// recorded once a write succeeds. Their number is bounded by the sends in flight when the fault
/// began (`max_in_flight`, and the `test` sends): no claim, no new verdict.
public struct StoreFault: Sendable, Hashable {
    /// The database's error, one line: `database is locked (SQLite error 5)`.
    public var message: String
    /// When the first failure of this run happened (scheduler clock).
    public var since: Date
    /// Consecutive failed attempts.
    public var failures: Int
    /// When the scheduler next tries the outbox (scheduler clock).
    public var retryAt: Date

    /// The wait after the `failures`-th consecutive failure: 1 s, doubling, at most 60 s.
    static func delay(afterFailures failures: Int) -> TimeInterval {
        min(60, pow(2, Double(max(0, min(failures - 1, 6)))))
    }
}
