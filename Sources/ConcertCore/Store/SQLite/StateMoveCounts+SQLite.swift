import GRDB

extension StateMoveCounts {
    /// Writes the changes into the SQLite store's one counter row per name.
    func count(_ db: Database) throws {
        for (name, delta) in changes { try Counters.add(db, name, delta) }
    }
}
