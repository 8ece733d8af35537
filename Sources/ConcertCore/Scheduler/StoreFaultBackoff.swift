import Foundation

/// The scheduler's store fault, if any, and when it tries the outbox again: 1 s after the first
/// failure, doubling, at most 60 s (`StoreFault.delay`). Confined to the scheduler's queue.
struct StoreFaultBackoff {
    /// Set while the outbox cannot be read or written; cleared by the first store call that succeeds.
    private(set) var fault: StoreFault?

    /// A store call failed with `message` at `now`: returns the fault, its retry time pushed back.
    mutating func failed(_ message: String, now: Date) -> StoreFault {
        var fault = fault ?? StoreFault(message: message, since: now, failures: 0, retryAt: now)
        fault.failures += 1
        fault.message = message
        fault.retryAt = now.addingTimeInterval(StoreFault.delay(afterFailures: fault.failures))
        self.fault = fault
        return fault
    }

    /// A store call succeeded: returns the fault it ends, if any.
    mutating func recovered() -> StoreFault? {
        defer { fault = nil }
        return fault
    }
}
