import Foundation

/// A destination that failed as a whole (refused connection to the smarthost, failed login,
/// a webhook host that answers none of several messages).
public struct DestinationHealth: Sendable, Hashable {
    public var destination: String
    public var since: Date
    public var failures: Int
    public var lastError: String
    /// Nothing is sent to it before this moment; `nil` for a webhook host, which is not held
    /// (each of its messages keeps its own retries).
    public var retryAt: Date?
}
