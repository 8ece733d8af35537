/// Why a delivery is tried again: the verdict's classification, a fixed set.
public enum RetryReason: String, Sendable, CaseIterable {
    /// The receiver asked for another try (timeout, 408/425/429, 5xx, SMTP 4xx), or the message
    /// could not be built because the concert could not be read.
    case retryable
    /// The destination as a whole failed (connection refused, TLS, SMTP AUTH).
    case destinationFailed = "destination_failed"
}
