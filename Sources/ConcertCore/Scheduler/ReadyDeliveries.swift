/// Due rows read ahead of their claim, queued by destination in the order the destinations first
/// appeared (earliest due first).
///
/// A claim visits each destination once and takes rows from the heads of those with room: rows of
/// a busy destination are neither walked nor copied again, as they would be in one array, where a
/// claim copies every row behind a busy destination's.
struct ReadyDeliveries {
    private struct Queue {
        var rows: [PendingDelivery] = []
        var head = 0
        var isEmpty: Bool { head == rows.count }

        /// Drops the head row; the array is compacted once most of it has been taken.
        mutating func advance() {
            head += 1
            if head == rows.count {
                rows.removeAll(keepingCapacity: true)
                head = 0
            } else if head > 64 && head * 2 > rows.count {
                rows.removeFirst(head)
                head = 0
            }
        }
    }

    private var queues: [String: Queue] = [:]
    /// The destinations with rows, in the order their first row was read.
    private(set) var destinations: [String] = []
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    /// Adds rows after those already held.
    mutating func append(_ rows: [PendingDelivery]) {
        for row in rows {
            if queues[row.destination] == nil {
                destinations.append(row.destination)
                queues[row.destination] = Queue()
            }
            queues[row.destination]!.rows.append(row)
        }
        count += rows.count
    }

    /// The oldest row of `destination`, if any.
    func first(of destination: String) -> PendingDelivery? {
        guard let queue = queues[destination], !queue.isEmpty else { return nil }
        return queue.rows[queue.head]
    }

    /// Removes the oldest row of `destination`.
    mutating func removeFirst(of destination: String) {
        guard queues[destination]?.isEmpty == false else { return }
        count -= 1
        queues[destination]!.advance()
    }

    /// Forgets destinations whose rows have all been taken.
    mutating func dropEmptyDestinations() {
        destinations.removeAll { destination in
            guard queues[destination]?.isEmpty ?? true else { return false }
            queues[destination] = nil
            return true
        }
    }

    mutating func removeAll() {
        queues.removeAll()
        destinations.removeAll()
        count = 0
    }
}
