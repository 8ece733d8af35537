/// The sends handed to a channel whose verdict the scheduler has not taken yet, in all and by
/// destination: what the limits on sends in flight count. Confined to the scheduler's queue.
struct InFlightSends {
    private(set) var count = 0
    /// Sends in flight by destination; a destination with none is absent.
    private(set) var byDestination: [String: Int] = [:]

    /// A send to `destination` was handed to its channel.
    mutating func began(to destination: String) {
        count += 1
        byDestination[destination, default: 0] += 1
    }

    /// The verdict of a send to `destination` was taken.
    mutating func ended(to destination: String) {
        count -= 1
        byDestination[destination, default: 1] -= 1
        if byDestination[destination] == 0 { byDestination[destination] = nil }
    }
}
