import Foundation

extension ReadyDeliveries {
    /// Takes up to `capacity` rows to send, round by round, one row per destination in each,
    /// oldest destinations first: rows past their deadline or of a stopped subscription are
    /// skipped, then a row goes if `hasRoom` says its destination has room, counting it in
    /// `perDestination`. Spreading the sends keeps each receiver's connections few and reused:
    /// taking a destination's rows all at once would open more connections than libcurl keeps,
    /// and each send would pay for a new one.
    mutating func takeRounds(
        upTo capacity: Int, now: Date, perDestination: inout [String: Int],
        hasRoom: (String, [String: Int]) -> Bool
    ) -> (toSend: [PendingDelivery], skips: [(Delivery, Delivery.SkipReason)]) {
        var toSend: [PendingDelivery] = []
        var skips: [(Delivery, Delivery.SkipReason)] = []
        var open = destinations
        while !open.isEmpty && toSend.count < capacity {
            open.removeAll { destination in
                guard toSend.count < capacity else { return false }
                while let item = first(of: destination) {
                    if let deadline = item.delivery.deadline, deadline <= now {
                        skips.append((item.delivery, .missed))
                    } else if let reason = item.subscription.state.skipReason {
                        skips.append((item.delivery, reason))
                    } else if hasRoom(destination, perDestination) {
                        perDestination[destination, default: 0] += 1
                        toSend.append(item)
                        removeFirst(of: destination)
                        return false
                    } else {
                        return true
                    }
                    removeFirst(of: destination)
                }
                return true
            }
        }
        dropEmptyDestinations()
        return (toSend, skips)
    }
}
