import ConcertCore
import ConcertProtocol

/// The lines of a bulk import refused because the same subscription exists, or an earlier line
/// of the file asks for the same (`conflict`, as `subscribe` answers): each is left out and the
/// rest imported. At most `listed` are named in the reply; a warning counts the others.
struct SameSubscriptionLines {
    static let listed = 1000
    private(set) var rejected: [BulkRejectedLine] = []
    private var unlisted = 0

    /// Runs `add` for the line; returns the new id, or `nil` when the line was refused as a repeat.
    mutating func refused(_ line: Int, _ add: () throws -> String) throws -> String? {
        do {
            return try add()
        } catch let error as StoreError where error.code == .conflict {
            if rejected.count < Self.listed {
                rejected.append(BulkRejectedLine(line: line, reason: error.message))
            } else {
                unlisted += 1
            }
            return nil
        }
    }

    var warnings: [String] {
        unlisted == 0 ? [] : ["\(unlisted) more lines repeat a subscription that exists and were left out"]
    }
}
