import ConcertCore
import ConcertProtocol

/// The lines of a bulk import refused because the same subscription exists, or an earlier line
/// of the file asks for the same (`conflict`, as `subscribe` answers): each is left out and the
/// rest imported; at a commit, also the staged lines that no longer pass the checks of the
/// catalog and configuration in force. At most `listed` are named in the reply; a warning counts the others.
struct SameSubscriptionLines {
    static let listed = 1000
    private(set) var rejected: [BulkRejectedLine] = []
    private var unlisted = 0
    private var unlistedStale = 0

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

    /// Leaves out a staged line that no longer passes the checks made when it was staged.
    mutating func reject(_ line: Int, reason: String) {
        if rejected.count < Self.listed {
            rejected.append(BulkRejectedLine(line: line, reason: reason))
        } else {
            unlistedStale += 1
        }
    }

    var warnings: [String] {
        (unlisted == 0 ? [] : ["\(unlisted) more lines repeat a subscription that exists and were left out"])
            + (unlistedStale == 0
                ? []
                : [
                    "\(unlistedStale) more lines name a city no longer in the catalog, or a channel no longer accepted, and were left out"
                ])
    }
}
