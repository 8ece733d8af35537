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
            var changes = ConcertChanges()
            var stored = try Self.storedConcerts(db).reduce(into: [String: StoredConcert]()) { $0[$1.concert.id] = $1 }
            for concert in catalog.concerts {
                if let existing = stored.removeValue(forKey: concert.id) {
                    if existing.origin == .admin {
                        // Named when the file's entry differs and was edited since the catalog in
                        // force (every entry, when there is none: at start).
                        if existing.concert != concert && previous?.concert(id: concert.id) != concert {
                            changes.keptAdminVersion.append(concert.id)
                        }
                        continue
                    }
                    try Self.update(db, from: existing, to: concert, origin: .catalog, now: now, changes: &changes)
                } else {
                    try Self.insert(db, concert, origin: .catalog, now: now)
                    changes.added.append(concert.id)
                    changes.count(
                        try Self.concertAdded(
                            db, concert: StoredConcert(concert: concert, origin: .catalog, revision: 1), now: now))
                }
            }
            for existing in stored.values.sorted(by: { $0.concert.id < $1.concert.id }) {
                if existing.origin == .admin {
                    if previous?.concert(id: existing.concert.id) != nil {
                        changes.keptAdminVersionOfRemoved.append(existing.concert.id)
                    }
                    continue
                }
                guard existing.concert.status == .scheduled else { continue }
                var cancelled = existing.concert
                cancelled.status = .cancelled
                cancelled.notes.append("Removed from the catalog file; treated as cancelled.")
                try Self.update(db, from: existing, to: cancelled, origin: .catalog, now: now, changes: &changes)
            }
            return changes
        }
    }

    /// Adds a concert through concertctl.
    @discardableResult
    public func addConcert(_ concert: Concert, now: Date) throws -> ConcertChanges {
        try writer.write { db in
            if try Self.storedConcert(db, id: concert.id) != nil {
                throw StoreError(.conflict, "a concert with id '\(concert.id)' already exists")
            }
            try Self.insert(db, concert, origin: .admin, now: now)
            var changes = ConcertChanges()
            changes.added = [concert.id]
            changes.count(
                try Self.concertAdded(
                    db, concert: StoredConcert(concert: concert, origin: .admin, revision: 1), now: now))
            return changes
        }
    }

    /// Changes a concert through concertctl (reschedule, new venue, cancellation). From then on a
    /// catalog reload keeps this version. A change that leaves the concert as it was writes
    /// nothing: the concert keeps following the catalog if it did, and nobody is told.
    @discardableResult
    public func changeConcert(id: String, now: Date, _ change: (inout Concert) throws -> Void) throws -> ConcertChanges
    {
        try writer.write { db in
            guard let existing = try Self.storedConcert(db, id: id) else {
                throw StoreError(.notFound, "no concert with id '\(id)'")
            }
            var concert = existing.concert
            try change(&concert)
            var changes = ConcertChanges()
            guard concert != existing.concert else { return changes }
            try Self.update(db, from: existing, to: concert, origin: .admin, now: now, changes: &changes)
            return changes
        }
    }

    /// Gives a concert changed through concertctl back to the catalog: `catalogVersion` (the
    /// catalog's entry of the same id) replaces it, subscribers are told as for a catalog change,
    /// and later reloads apply the file's edits to it again.
    @discardableResult
    public func returnConcertToCatalog(_ catalogVersion: Concert, now: Date) throws -> ConcertChanges {
        try writer.write { db in
            let id = catalogVersion.id
            guard let existing = try Self.storedConcert(db, id: id) else {
                throw StoreError(.notFound, "no concert with id '\(id)'")
            }
            guard existing.origin == .admin else {
                throw StoreError(.conflict, "concert '\(id)' already follows the catalog file")
            }
            var changes = ConcertChanges()
            try Self.update(db, from: existing, to: catalogVersion, origin: .catalog, now: now, changes: &changes)
            return changes
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

    private static func insert(_ db: Database, _ concert: Concert, origin: StoredConcert.Origin, now: Date) throws {
        try db.execute(
            sql: """
                INSERT INTO concert (id, origin, revision, status, starts_at, ends_at, reminder_deadline,
                    time_announced, body, created_at, updated_at)
                VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                concert.id, origin.rawValue, concert.status.rawValue, concert.schedule.start.millis,
                concert.schedule.end.millis, concert.schedule.reminderDeadline.millis,
                concert.schedule.isTimeAnnounced, try encode(concert), now.millis, now.millis,
            ])
        for city in concert.cities {
            try db.execute(
                sql: "INSERT OR IGNORE INTO concert_city (city_id, concert_id) VALUES (?, ?)",
                arguments: [city, concert.id])
        }
    }

    private static func update(
        _ db: Database, from existing: StoredConcert, to concert: Concert, origin: StoredConcert.Origin,
        now: Date, changes: inout ConcertChanges
    ) throws {
        guard existing.concert != concert || existing.origin != origin else { return }
        let revised = existing.concert.announcedFacts != concert.announcedFacts
        let revision = revised ? existing.revision + 1 : existing.revision
        try db.execute(
            sql: """
                UPDATE concert SET origin = ?, revision = ?, status = ?, starts_at = ?, ends_at = ?,
                    reminder_deadline = ?, time_announced = ?, body = ?, updated_at = ?
                WHERE id = ?
                """,
            arguments: [
                origin.rawValue, revision, concert.status.rawValue, concert.schedule.start.millis,
                concert.schedule.end.millis, concert.schedule.reminderDeadline.millis,
                concert.schedule.isTimeAnnounced, try encode(concert), now.millis, concert.id,
            ])
        if existing.concert.cities != concert.cities {
            try db.execute(sql: "DELETE FROM concert_city WHERE concert_id = ?", arguments: [concert.id])
            for city in concert.cities {
                try db.execute(
                    sql: "INSERT OR IGNORE INTO concert_city (city_id, concert_id) VALUES (?, ?)",
                    arguments: [city, concert.id])
            }
        }
        let updated = StoredConcert(concert: concert, origin: origin, revision: revision)
        if !revised {
            if existing.concert != concert { changes.updated.append(concert.id) }
            return
        }
        if concert.status == .cancelled && existing.concert.status == .scheduled {
            changes.cancelled.append(concert.id)
            changes.count(try Self.concertCancelled(db, concert: updated, now: now))
        } else {
            changes.revised.append(concert.id)
            changes.count(try Self.concertRevised(db, from: existing, to: updated, now: now))
        }
    }

    private static func encode(_ concert: Concert) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(concert), as: UTF8.self)
    }
}
