import ConcertCore
import Foundation

/// What the daemon hands its scheduler from the configuration.
extension DaemonConfiguration {
    /// The scheduler's limits from `max_in_flight` and `max_in_flight_per_destination`.
    var sendLimits: SendLimits {
        SendLimits(maximumInFlight: maxInFlight, maximumPerDestination: maxInFlightPerDestination)
    }

    /// The retry policy from `retry_initial`, `retry_max` and `retry_max_attempts`.
    var retryPolicy: RetryPolicy {
        func seconds(_ duration: Duration) -> TimeInterval {
            Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        }
        return RetryPolicy(
            initialDelay: seconds(retryInitial), maximumDelay: seconds(retryMax), maximumAttempts: retryMaxAttempts)
    }
}
