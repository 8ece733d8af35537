/// How many sends may be in flight at once, in all and per destination.
public struct SendLimits: Sendable, Hashable {
    /// All sends in flight. libcurl's multi interface reaches its peak near 32 transfers here.
    public var maximumInFlight: Int = 64
    /// Sends in flight to one destination (a webhook URL's host, or the smarthost), so that one
    /// slow server cannot hold up the others.
    public var maximumPerDestination: Int = 32

    public init(maximumInFlight: Int = 64, maximumPerDestination: Int = 32) {
        self.maximumInFlight = maximumInFlight
        self.maximumPerDestination = maximumPerDestination
    }
}
