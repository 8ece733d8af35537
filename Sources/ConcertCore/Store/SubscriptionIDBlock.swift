import Foundation

/// Subscription ids reserved for a staged import before it is committed, so that each staged
/// chunk's reply can name the id its lines will have: a prefix that no stored id (and no other
/// block the caller holds) has, then a counter, as the SQLite store makes them.
///
/// Nothing stops a single `subscribe` from drawing an id of the block meanwhile (one chance in
/// 32⁵ per subscription): the commit checks ``SubscriptionImporting/isFree(_:)`` first.
public struct SubscriptionIDBlock: Sendable, Hashable {
    public let prefix: String
    public private(set) var used = 0
    /// How many ids one block holds.
    public static let capacity = SequentialIDs.capacity

    /// A block of the ids `prefix` then a counter; the store chooses a prefix no stored id has.
    public init(prefix: String) {
        self.prefix = prefix
    }

    /// The block's next id, or `nil` when all are used.
    public mutating func next() -> String? {
        guard used < Self.capacity else { return nil }
        defer { used += 1 }
        return SequentialIDs.id(prefix: prefix, counter: used)
    }
}
