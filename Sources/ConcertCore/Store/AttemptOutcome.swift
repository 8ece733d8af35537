/// How one attempt ended, as the store writes it into the attempt's row: a stable short name and
/// the reply or error text. The scheduler's policy makes it from the channel's verdict
/// (``DeliveryPolicy``); the store knows no channel type.
public struct AttemptOutcome: Sendable, Hashable {
    /// `sent`, `retryable`, `permanent`, `gone` or `destination_failed`.
    public var name: String
    /// The reply (`HTTP 204`, `250 2.0.0 Ok: queued as …`) or the error.
    public var detail: String

    public init(name: String, detail: String) {
        self.name = name
        self.detail = detail
    }

    /// An attempt the receiver accepted, with its reply.
    public static func sent(_ detail: String) -> AttemptOutcome {
        AttemptOutcome(name: "sent", detail: detail)
    }
}
