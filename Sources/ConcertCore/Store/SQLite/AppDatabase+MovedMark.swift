import Foundation
import GRDB

/// A SQLite store refused because `concertd migrate-store` moved it into PostgreSQL: the file keeps
/// its rows so that the move can be rolled back, but a daemon on it would send every reminder the
/// instances on PostgreSQL send, a second time.
public struct StoreMoved: Error, CustomStringConvertible, Sendable, Hashable {
    /// The SQLite file.
    public var path: String
    /// Where the store went, `host:port/name` (never a user or password).
    public var destination: String
    /// When the copy committed.
    public var movedAt: Date

    public init(path: String, destination: String, movedAt: Date) {
        self.path = path
        self.destination = destination
        self.movedAt = movedAt
    }

    public var description: String {
        let when = movedAt.formatted(.iso8601)
        return "\(path) was moved to postgresql://\(destination) by concertd migrate-store at \(when), and is kept "
            + "only to roll the move back: a daemon on it would send its reminders a second time. Set database_url "
            + "(and a database_password_* key) to run on the moved store; to use this file again instead, undoing "
            + "the move (what the PostgreSQL store sent or changed since is not in it), run "
            + "`concertd migrate-store --undo-mark \(path)`"
    }
}

extension AppDatabase {
    /// The table of the move's mark: one row, in the moved file alone. It is no part of the store's
    /// schema (no migration makes it, PostgreSQL has none, the copy leaves it out), so the file's
    /// schema version stays the one it was copied at, and dropping the table gives the file back
    /// exactly as it was copied.
    static let movedMarkTable = "store_moved"

    /// Marks the SQLite file at `path` as moved to `destination` (`host:port/name`) at `date`.
    /// The caller holds the file's lock (`DatabaseLock`).
    public static func markMoved(path: String, to destination: String, at date: Date) throws {
        let queue = try DatabaseQueue(path: path)
        defer { try? queue.close() }
        try queue.write { db in
            try db.execute(
                sql: "CREATE TABLE IF NOT EXISTS \(movedMarkTable) (destination TEXT NOT NULL, moved_at TEXT NOT NULL)")
            try db.execute(sql: "DELETE FROM \(movedMarkTable)")
            try db.execute(
                sql: "INSERT INTO \(movedMarkTable) (destination, moved_at) VALUES (?, ?)",
                arguments: [destination, date.formatted(.iso8601)])
        }
    }

    /// The move's mark of the SQLite file at `path`; nil when it has none. Reads only.
    public static func movedMark(path: String) throws -> StoreMoved? {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        defer { try? queue.close() }
        return try queue.read { db in try movedMark(db, path: path) }
    }

    /// Takes the move's mark off the SQLite file at `path`, so that a daemon may run on it again;
    /// returns the mark taken off, nil when there was none (the file is left as it is). The
    /// caller holds the file's lock.
    @discardableResult
    public static func unmarkMoved(path: String) throws -> StoreMoved? {
        let queue = try DatabaseQueue(path: path)
        defer { try? queue.close() }
        return try queue.write { db in
            let mark = try movedMark(db, path: path)
            if mark != nil { try db.execute(sql: "DROP TABLE \(movedMarkTable)") }
            return mark
        }
    }

    /// Throws the file's ``StoreMoved`` when it carries the mark.
    static func refuseIfMoved(_ db: Database, path: String) throws {
        if let mark = try movedMark(db, path: path) { throw mark }
    }

    private static func movedMark(_ db: Database, path: String) throws -> StoreMoved? {
        guard try db.tableExists(movedMarkTable) else { return nil }
        guard let row = try Row.fetchOne(db, sql: "SELECT destination, moved_at FROM \(movedMarkTable)") else {
            return nil
        }
        let text: String = row["moved_at"]
        return StoreMoved(
            path: path, destination: row["destination"],
            movedAt: (try? Date(text, strategy: .iso8601)) ?? .distantPast)
    }
}
