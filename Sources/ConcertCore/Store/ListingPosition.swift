import Foundation

/// Where an entry stands in the order of a listing read page by page: a page starts after the
/// position of the previous page's last entry (keyset paging, no `OFFSET`), so reading a page
/// costs the same wherever it is in the listing.
public enum ListingPosition {
    /// A subscription's place in the order of creation: an opaque position the store defines,
    /// larger for every subscription made later and never reused (subscriptions are never
    /// deleted). Callers only hand back a position the store gave them. The SQLite store uses the
    /// row's `rowid`; an engine without one keeps its own increasing number (a sequence).
    public typealias Subscription = Int64

    /// A concert's place in start order.
    public struct Concert: Sendable, Hashable {
        public var startMillis: Int64
        public var id: String

        public init(startMillis: Int64, id: String) {
            self.startMillis = startMillis
            self.id = id
        }
    }

    /// A pending delivery's place in due order: its next attempt, then its id.
    public struct Due: Sendable, Hashable {
        public var dueMillis: Int64
        public var id: Int64

        public init(dueMillis: Int64, id: Int64) {
            self.dueMillis = dueMillis
            self.id = id
        }
    }
}
