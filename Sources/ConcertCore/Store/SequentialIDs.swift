/// Subscription ids for a bulk import that sort in the order they are made: a random prefix
/// that no stored id has, then a counter (`sub-` + 5 + 5 characters, as long as `makeID`'s).
///
/// Random ids put every insert into the id-keyed indexes (the subscription's key, the city and
/// delivery indexes) at a random place, so a large import keeps the whole of those indexes hot in
/// the page cache; ascending ids only ever touch their ends. How a store finds a free prefix is
/// its own (`SequentialIDs+Database.swift` for SQLite).
public struct SequentialIDs {
    /// The counter's characters after the prefix.
    public static let width = 5
    /// The prefix no stored id has.
    public var prefix = ""
    /// The next id's counter.
    public var counter = 0
    /// How many ids one prefix gives.
    public static let capacity = 1 << (5 * width)

    /// Ids starting with `prefix`, the next one numbered `counter`.
    public init(prefix: String = "", counter: Int = 0) {
        self.prefix = prefix
        self.counter = counter
    }

    /// The id `counter` of the ids starting with `prefix`.
    public static func id(prefix: String, counter: Int) -> String {
        var digits = [Character](repeating: "2", count: Self.width)
        var rest = counter
        for index in stride(from: Self.width - 1, through: 0, by: -1) {
            digits[index] = RandomID.alphabet[rest & 31]
            rest >>= 5
        }
        return prefix + String(digits)
    }

    /// A random prefix that is none of `avoiding` and that `isTaken` (a store's look-up of its ids)
    /// says no stored id starts with.
    package static func freePrefix(avoiding: Set<String>, isTaken: (String) throws -> Bool) rethrows -> String {
        var prefix: String
        repeat {
            prefix = "sub-" + RandomID.make(length: width)
        } while try avoiding.contains(prefix) || isTaken(prefix)
        return prefix
    }
}
