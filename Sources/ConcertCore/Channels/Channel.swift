import Foundation

/// Sends messages of one kind of subscription (email, or webhook). The scheduler owns the
/// outbox and the retry policy; a channel only sends and returns its verdict.
public protocol Channel: AnyObject, Sendable {
    /// Sends one message and calls `completion` exactly once, from any thread.
    ///
    /// A channel enforces its own network timeouts on the monotonic clock, so `completion` is
    /// always called eventually.
    func send(_ message: OutboundMessage, completion: @escaping @Sendable (Verdict) -> Void)
}
