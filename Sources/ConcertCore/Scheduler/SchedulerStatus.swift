import Foundation

/// A snapshot of the scheduler for `status`.
public struct SchedulerStatus: Sendable {
    public var now: Date
    public var clockShifted: Bool
    public var inFlight: Int
    public var failingDestinations: [DestinationFailureRun]
    /// When the timer will next fire (scheduler clock), `nil` when disarmed.
    public var timerArmedFor: Date?
    /// How often the timer has fired since start.
    public var timerFires: Int
    /// Set while the outbox cannot be read or written.
    public var storeFault: StoreFault?
}
