import Foundation

/// How failed sends are retried: exponential backoff with jitter, capped, never past the deadline.
public struct RetryPolicy: Sendable, Hashable {
    /// Delay before the second attempt.
    public var initialDelay: TimeInterval = 30
    /// The longest delay between two attempts.
    public var maximumDelay: TimeInterval = 3600
    /// After this many attempts a message that keeps failing is marked failed. Destination
    /// failures (the smarthost refusing our login, say) do not count towards it.
    public var maximumAttempts: Int = 12

    public init(initialDelay: TimeInterval = 30, maximumDelay: TimeInterval = 3600, maximumAttempts: Int = 12) {
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
        self.maximumAttempts = maximumAttempts
    }

    /// The delay after the `failures`-th consecutive failure: `initial × 2^(failures-1)`, capped,
    /// then scaled by a jitter factor in [0.5, 1) so that many messages failing together spread out.
    /// `random` is a number in [0, 1).
    public func delay(afterFailures failures: Int, random: Double) -> TimeInterval {
        let exponent = Double(max(0, min(failures - 1, 40)))
        let base = min(maximumDelay, initialDelay * pow(2, exponent))
        return base * (0.5 + 0.5 * random)
    }
}
