import GRDB

extension SequentialIDs {
    init(_ db: Database) throws {
        try choosePrefix(db)
    }

    mutating func next(_ db: Database) throws -> String {
        if counter == Self.capacity { try choosePrefix(db) }
        defer { counter += 1 }
        return Self.id(prefix: prefix, counter: counter)
    }

    private mutating func choosePrefix(_ db: Database) throws {
        prefix = try Self.freePrefix(db, avoiding: [])
        counter = 0
    }

    /// A prefix no stored id starts with, and none of `avoiding`.
    static func freePrefix(_ db: Database, avoiding: Set<String>) throws -> String {
        try freePrefix(avoiding: avoiding) { try prefixIsTaken($0, db) }
    }

    /// Whether a stored id starts with `prefix` (`~` sorts after every character of the alphabet).
    static func prefixIsTaken(_ prefix: String, _ db: Database) throws -> Bool {
        try Bool.fetchOne(
            db, sql: "SELECT EXISTS (SELECT 1 FROM subscription WHERE id >= ? AND id < ?)",
            arguments: [prefix, prefix + "~"]) ?? false
    }
}
