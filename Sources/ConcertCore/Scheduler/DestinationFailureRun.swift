import Foundation

/// A destination failing as a whole (refused connection to the smarthost, failed login, a
/// webhook host that answers none of several messages): since when, how often, the last error,
/// and until when it is held.
public struct DestinationFailureRun: Sendable, Hashable {
    /// The destination's name (``ChannelAddress/destination``).
    public var destination: String
    /// When its run of failures began.
    public var since: Date
    /// How many failures the run counts.
    public var failures: Int
    /// The last failure's error.
    public var lastError: String
    /// Nothing is sent to it before this moment; `nil` for a webhook host, which is not held
    /// (each of its messages keeps its own retries).
    public var retryAt: Date?
}
