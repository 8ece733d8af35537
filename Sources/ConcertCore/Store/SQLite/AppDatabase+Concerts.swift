import Foundation
import GRDB

extension AppDatabase {
    /// Stores the catalog's concerts: new ones are added, changed ones updated (a new revision
    /// when time, venue or status change), and catalog concerts missing from the file cancelled.
    /// Concerts changed through concertctl keep their admin version, and are named in the
    /// result when the file's entry differs and changed since `previous` (the catalog in force
    /// before; without it, whenever it differs), or when the file no longer lists them. Reminders and notices follow in the same transaction.
    @discardableResult
    public func importCatalog(_ catalog: Catalog, now: Date, previous: Catalog?) throws -> ConcertChanges {
        try writer.write { db in
            try Self.recordCatalogInForce(db, catalog, now: now)
            return try ConcertRules.importCatalog(
                catalog, over: try Self.storedConcerts(db), previous: previous, now: now, SQLiteConcertSteps(db: db))
        }
    }

    /// Adds a concert through concertctl.
    @discardableResult
    public func addConcert(_ concert: Concert, now: Date) throws -> ConcertChanges {
        try writer.write { db in
            try ConcertRules.add(
                concert, existing: try Self.storedConcert(db, id: concert.id), now: now, SQLiteConcertSteps(db: db))
        }
    }

    /// Changes a concert through concertctl (reschedule, new venue, cancellation), as
    /// `ConcertRules.change` says.
    @discardableResult
    public func changeConcert(id: String, now: Date, _ change: (inout Concert) throws -> Void) throws -> ConcertChanges
    {
        try writer.write { db in
            try ConcertRules.change(
                id: id, existing: try Self.storedConcert(db, id: id), now: now, change, SQLiteConcertSteps(db: db))
        }
    }

    /// Gives a concert changed through concertctl back to the catalog, as
    /// `ConcertRules.returnToCatalog` says.
    @discardableResult
    public func returnConcertToCatalog(_ catalogVersion: Concert, now: Date) throws -> ConcertChanges {
        try writer.write { db in
            try ConcertRules.returnToCatalog(
                catalogVersion, existing: try Self.storedConcert(db, id: catalogVersion.id), now: now,
                SQLiteConcertSteps(db: db))
        }
    }

    public func concerts() throws -> [StoredConcert] {
        try writer.read { db in try Self.storedConcerts(db) }
    }

    /// How many concerts are `cancelled`, `upcoming` (not ended at `now`) or `over`, from the
    /// columns alone: `status` asks on every call, and decoding every concert's body would be most
    /// of its time.
    public func concertCounts(now: Date) throws -> [String: Int] {
        try writer.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT CASE WHEN status = 'cancelled' THEN 'cancelled'
                        WHEN ends_at > ? THEN 'upcoming' ELSE 'over' END AS state, COUNT(*) AS count
                    FROM concert GROUP BY state
                    """,
                arguments: [now.millis])
            return Dictionary(uniqueKeysWithValues: rows.map { ($0["state"] as String, $0["count"] as Int) })
        }
    }

    public func concert(id: String) throws -> StoredConcert? {
        try writer.read { db in try Self.storedConcert(db, id: id) }
    }

    static func storedConcerts(_ db: Database) throws -> [StoredConcert] {
        try Row.fetchAll(db, sql: "SELECT id, origin, revision, body FROM concert ORDER BY starts_at, id")
            .map(StoredConcert.init(row:))
    }

    static func storedConcert(_ db: Database, id: String) throws -> StoredConcert? {
        try Row.fetchOne(db, sql: "SELECT id, origin, revision, body FROM concert WHERE id = ?", arguments: [id])
            .map(StoredConcert.init(row:))
    }

    static func storedConcerts(_ db: Database, inCities cities: [String]) throws -> [StoredConcert] {
        let marks = databaseQuestionMarks(count: cities.count)
        return try Row.fetchAll(
            db,
            sql: """
                SELECT DISTINCT c.id, c.origin, c.revision, c.body, c.starts_at FROM concert c
                JOIN concert_city cc ON cc.concert_id = c.id
                WHERE cc.city_id IN (\(marks)) ORDER BY c.starts_at, c.id
                """,
            arguments: StatementArguments(cities)
        ).map(StoredConcert.init(row:))
    }
}

/// The concert rules' writes (``ConcertRules``) in SQLite's SQL, inside the caller's transaction.
private struct SQLiteConcertSteps: ConcertSteps {
    let db: Database

    func insert(_ concert: Concert, origin: StoredConcert.Origin, now: Date) throws {
        try db.execute(
            sql: """
                INSERT INTO concert (id, origin, revision, status, starts_at, ends_at, reminder_deadline,
                    time_announced, body, created_at, updated_at)
                VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                concert.id, origin.rawValue, concert.status.rawValue, concert.schedule.start.millis,
                concert.schedule.end.millis, concert.schedule.reminderDeadline.millis,
                concert.schedule.isTimeAnnounced, try StoredConcert.body(of: concert), now.millis, now.millis,
            ])
        try insertCities(of: concert)
    }

    func write(_ concert: Concert, origin: StoredConcert.Origin, revision: Int, citiesChanged: Bool, now: Date) throws {
        try db.execute(
            sql: """
                UPDATE concert SET origin = ?, revision = ?, status = ?, starts_at = ?, ends_at = ?,
                    reminder_deadline = ?, time_announced = ?, body = ?, updated_at = ?
                WHERE id = ?
                """,
            arguments: [
                origin.rawValue, revision, concert.status.rawValue, concert.schedule.start.millis,
                concert.schedule.end.millis, concert.schedule.reminderDeadline.millis,
                concert.schedule.isTimeAnnounced, try StoredConcert.body(of: concert), now.millis, concert.id,
            ])
        if citiesChanged {
            try db.execute(sql: "DELETE FROM concert_city WHERE concert_id = ?", arguments: [concert.id])
            try insertCities(of: concert)
        }
    }

    private func insertCities(of concert: Concert) throws {
        for city in concert.cities {
            try db.execute(
                sql: "INSERT OR IGNORE INTO concert_city (city_id, concert_id) VALUES (?, ?)",
                arguments: [city, concert.id])
        }
    }

    func concertAdded(_ concert: StoredConcert, now: Date) throws -> NoticeTally {
        try AppDatabase.concertAdded(db, concert: concert, now: now)
    }

    func concertRevised(from old: StoredConcert, to new: StoredConcert, now: Date) throws -> NoticeTally {
        try AppDatabase.concertRevised(db, from: old, to: new, now: now)
    }

    func concertCancelled(_ concert: StoredConcert, now: Date) throws -> NoticeTally {
        try AppDatabase.concertCancelled(db, concert: concert, now: now)
    }
}
