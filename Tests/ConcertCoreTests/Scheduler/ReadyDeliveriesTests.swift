import Foundation
import GRDB
import Testing

@testable import ConcertCore

@Suite struct ReadyDeliveriesTests {
    func row(_ id: Int64, _ destination: String) -> PendingDelivery {
        var pending = PendingDelivery(
            delivery: OutboundMessage.sample(url: "https://\(destination)/hook").delivery,
            subscription: OutboundMessage.sample(url: "https://\(destination)/hook").subscription)
        pending.delivery.id = id
        return pending
    }

    @Test func rowsQueueByDestinationInTheOrderTheyWereRead() {
        var ready = ReadyDeliveries()
        ready.append([row(1, "a"), row(2, "b"), row(3, "a"), row(4, "c")])
        ready.append([row(5, "b")])
        #expect(ready.count == 5)
        #expect(ready.destinations == ["a", "b", "c"])
        #expect(ready.first(of: "a")?.delivery.id == 1)
        ready.removeFirst(of: "a")
        #expect(ready.first(of: "a")?.delivery.id == 3)
        ready.removeFirst(of: "a")
        ready.removeFirst(of: "a")  // nothing left: no effect
        #expect(ready.first(of: "a") == nil)
        #expect(ready.count == 3)
        ready.dropEmptyDestinations()
        #expect(ready.destinations == ["b", "c"])
        #expect(ready.first(of: "b")?.delivery.id == 2)
        ready.removeAll()
        #expect(ready.isEmpty && ready.destinations.isEmpty)
    }

    @Test func aLongQueueTakenFromTheFrontKeepsItsOrder() {
        var ready = ReadyDeliveries()
        ready.append((1...500).map { row($0, "a") })
        var taken: [Int64] = []
        while let first = ready.first(of: "a") {
            taken.append(first.delivery.id)
            ready.removeFirst(of: "a")
        }
        #expect(taken == Array(1...500))
        #expect(ready.isEmpty)
    }
}
