import ConcertCore
import Foundation

/// The concerts on PostgreSQL (``ConcertStore``), by the rules both engines share (``ConcertRules``)
/// over ``PostgresConcertSteps``. Every change holds the planning lock (``lockPlanning(_:)``), so that a change made
/// through one instance and a subscription or another change made through another run one after
/// the other, as on SQLite.
extension PostgresStore {
    @discardableResult
    public func importCatalog(_ catalog: Catalog, now: Date, previous: Catalog?) throws -> ConcertChanges {
        try planning { connection in
            try recordCatalogInForce(connection, catalog, now: now)
            try StoreChangeNotice.send(.catalog, connection)
            let stored = try Self.storedConcerts(connection)
            // The new concerts first, in one statement each for the concerts and their cities; then
            // each entry in the file's order, so that their rows are planned in that order.
            let known = Set(stored.map(\.concert.id))
            try Self.insert(connection, catalog.concerts.filter { !known.contains($0.id) }, origin: .catalog, now: now)
            return try ConcertRules.importCatalog(
                catalog, over: stored, previous: previous, now: now,
                PostgresConcertSteps(connection: connection, newConcertsStored: true))
        }
    }

    @discardableResult
    public func addConcert(_ concert: Concert, now: Date) throws -> ConcertChanges {
        try planning { connection in
            try ConcertRules.add(
                concert, existing: try Self.storedConcert(connection, id: concert.id), now: now,
                PostgresConcertSteps(connection: connection))
        }
    }

    @discardableResult
    public func changeConcert(id: String, now: Date, _ change: (inout Concert) throws -> Void) throws
        -> ConcertChanges
    {
        try planning { connection in
            try ConcertRules.change(
                id: id, existing: try Self.storedConcert(connection, id: id), now: now, change,
                PostgresConcertSteps(connection: connection))
        }
    }

    @discardableResult
    public func returnConcertToCatalog(_ catalogVersion: Concert, now: Date) throws -> ConcertChanges {
        try planning { connection in
            try ConcertRules.returnToCatalog(
                catalogVersion, existing: try Self.storedConcert(connection, id: catalogVersion.id), now: now,
                PostgresConcertSteps(connection: connection))
        }
    }

    public func concerts() throws -> [StoredConcert] {
        try pool.withConnection { connection in try Self.storedConcerts(connection) }
    }

    /// How many concerts are `cancelled`, `upcoming` (not ended at `now`) or `over`, from the
    /// columns alone (no body decoded).
    public func concertCounts(now: Date) throws -> [String: Int] {
        try pool.withConnection { connection in
            let rows = try connection.query(
                """
                SELECT CASE WHEN status = 'cancelled' THEN 'cancelled'
                    WHEN ends_at > $1 THEN 'upcoming' ELSE 'over' END AS state, COUNT(*)
                FROM concert GROUP BY 1
                """, [.integer(now.millis)])
            var counts: [String: Int] = [:]
            for row in 0..<rows.count { counts[rows.text(row, 0)] = rows.int(row, 1) }
            return counts
        }
    }

    public func concert(id: String) throws -> StoredConcert? {
        try pool.withConnection { connection in try Self.storedConcert(connection, id: id) }
    }

    public func usage(ofCities cities: [String], now: Date) throws -> [String: CityUsage] {
        try pool.withConnection { connection in
            // One snapshot for the subscriptions and the concerts.
            try connection.transaction(.repeatableRead) { try Self.usage(connection, ofCities: cities, now: now) }
        }
    }

    public func usageOfCities(notIn known: Set<String>, now: Date) throws -> [String: CityUsage] {
        try pool.withConnection { connection in
            // One snapshot for the names and their usage.
            try connection.transaction(.repeatableRead) {
                let rows = try connection.query(
                    """
                    SELECT city_id FROM subscription_city WHERE NOT (city_id = ANY($1::text[]))
                    UNION SELECT city_id FROM concert_city WHERE NOT (city_id = ANY($1::text[]))
                    """, [.array(known.sorted())])
                return try Self.usage(connection, ofCities: rows.map { rows.text($0, 0) }, now: now)
            }
        }
    }

    /// Subscriptions not removed and admin concerts scheduled and not over, per city of `cities`.
    private static func usage(_ connection: PostgresConnection, ofCities cities: [String], now: Date) throws
        -> [String: CityUsage]
    {
        guard !cities.isEmpty else { return [:] }
        var usage: [String: CityUsage] = [:]
        let subscriptions = try connection.query(
            """
            SELECT sc.city_id, COUNT(*) FROM subscription_city sc JOIN subscription s ON s.id = sc.subscription_id
            WHERE sc.city_id = ANY($1::text[]) AND s.state <> 'removed' GROUP BY sc.city_id
            """, [.array(cities)])
        for row in 0..<subscriptions.count {
            usage[subscriptions.text(row, 0), default: CityUsage()].subscriptions = subscriptions.int(row, 1)
        }
        let concerts = try connection.query(
            """
            SELECT cc.city_id, c.id FROM concert_city cc JOIN concert c ON c.id = cc.concert_id
            WHERE cc.city_id = ANY($1::text[]) AND c.origin = 'admin' AND c.status = 'scheduled' AND c.ends_at > $2
            ORDER BY c.starts_at, c.id
            """, [.array(cities), .integer(now.millis)])
        for row in 0..<concerts.count {
            usage[concerts.text(row, 0), default: CityUsage()].concerts.append(concerts.text(row, 1))
        }
        return usage
    }

    public func concerts(
        city: String?, endingAfter: Date?, after: ListingPosition.Concert?, limit: Int
    ) throws -> [(position: ListingPosition.Concert, entry: StoredConcert)] {
        try pool.withConnection { connection in
            // One statement text for every filter: a filter not given is a NULL parameter.
            let rows = try connection.query(
                """
                SELECT c.origin, c.revision, c.body, c.starts_at, c.id FROM concert c
                WHERE (c.starts_at, c.id) > ($1, $2)
                    AND ($3::bigint IS NULL OR (c.status = 'scheduled' AND c.ends_at > $3))
                    AND ($4::text IS NULL
                        OR EXISTS (SELECT 1 FROM concert_city cc WHERE cc.concert_id = c.id AND cc.city_id = $4))
                ORDER BY c.starts_at, c.id LIMIT $5
                """,
                [
                    .integer(after?.startMillis ?? Int64.min), .text(after?.id ?? ""),
                    .integer(endingAfter?.millis), .text(city), .integer(Int64(max(0, limit))),
                ])
            return try rows.map { row in
                (
                    ListingPosition.Concert(startMillis: rows.int64(row, 3), id: rows.text(row, 4)),
                    try Self.storedConcert(rows, row)
                )
            }
        }
    }
}

extension PostgresStore {
    /// A `concert` row of `origin, revision, body`, decoded.
    static func storedConcert(_ rows: PostgresRows, _ row: Int) throws -> StoredConcert {
        StoredConcert(
            concert: try JSONDecoder().decode(Concert.self, from: Data(rows.text(row, 2).utf8)),
            origin: StoredConcert.Origin(rawValue: rows.text(row, 0)) ?? .catalog, revision: rows.int(row, 1))
    }

    /// Every stored concert, in start order.
    static func storedConcerts(_ connection: PostgresConnection) throws -> [StoredConcert] {
        let rows = try connection.query("SELECT origin, revision, body FROM concert ORDER BY starts_at, id")
        return try rows.map { try storedConcert(rows, $0) }
    }

    static func storedConcert(_ connection: PostgresConnection, id: String) throws -> StoredConcert? {
        let rows = try connection.query("SELECT origin, revision, body FROM concert WHERE id = $1", [.text(id)])
        return try rows.map { try storedConcert(rows, $0) }.first
    }

    /// The concerts of any of `cities`, earliest first.
    static func storedConcerts(_ connection: PostgresConnection, inCities cities: [String]) throws -> [StoredConcert] {
        guard !cities.isEmpty else { return [] }
        let rows = try connection.query(
            """
            SELECT c.origin, c.revision, c.body FROM concert c
            WHERE c.id IN (SELECT concert_id FROM concert_city WHERE city_id = ANY($1::text[]))
            ORDER BY c.starts_at, c.id
            """, [.array(cities)])
        return try rows.map { try storedConcert(rows, $0) }
    }

    /// Inserts new concerts, revision 1, and their cities: one statement for each table.
    fileprivate static func insert(
        _ connection: PostgresConnection, _ concerts: [Concert], origin: StoredConcert.Origin, now: Date
    ) throws {
        guard !concerts.isEmpty else { return }
        try connection.query(
            """
            INSERT INTO concert (id, origin, revision, status, starts_at, ends_at, reminder_deadline,
                time_announced, body, created_at, updated_at)
            SELECT id, $2, 1, status, starts_at, ends_at, reminder_deadline, time_announced, body, $9, $9
            FROM unnest($1::text[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[], $8::text[])
                WITH ORDINALITY AS c(id, status, starts_at, ends_at, reminder_deadline, time_announced, body, n)
            ORDER BY n
            """,
            [
                .array(concerts.map(\.id)), .text(origin.rawValue), .array(concerts.map(\.status.rawValue)),
                .array(concerts.map { $0.schedule.start.millis }), .array(concerts.map { $0.schedule.end.millis }),
                .array(concerts.map { $0.schedule.reminderDeadline.millis }),
                .array(concerts.map { Int64($0.schedule.isTimeAnnounced ? 1 : 0) }),
                .array(try concerts.map(StoredConcert.body(of:))), .integer(now.millis),
            ])
        try setCities(connection, of: concerts)
    }

    /// Gives each of `concerts` exactly its cities in `concert_city`.
    fileprivate static func setCities(_ connection: PostgresConnection, of concerts: [Concert]) throws {
        let pairs = concerts.flatMap { concert in concert.cities.map { (concert.id, $0) } }
        try connection.query(
            "DELETE FROM concert_city WHERE concert_id = ANY($1::text[])", [.array(concerts.map(\.id))])
        try connection.query(
            """
            INSERT INTO concert_city (city_id, concert_id)
            SELECT city_id, concert_id FROM unnest($1::text[], $2::text[]) AS p(concert_id, city_id)
            ON CONFLICT DO NOTHING
            """, [.array(pairs.map(\.0)), .array(pairs.map(\.1))])
    }
}

/// The concert rules' writes (``ConcertRules``) in PostgreSQL's SQL, inside the caller's
/// transaction. An import stores its new concerts beforehand, all in one statement
/// (`newConcertsStored`).
private struct PostgresConcertSteps: ConcertSteps {
    let connection: PostgresConnection
    var newConcertsStored = false

    func insert(_ concert: Concert, origin: StoredConcert.Origin, now: Date) throws {
        guard !newConcertsStored else { return }
        try PostgresStore.insert(connection, [concert], origin: origin, now: now)
    }

    func write(_ concert: Concert, origin: StoredConcert.Origin, revision: Int, citiesChanged: Bool, now: Date) throws {
        try connection.query(
            """
            UPDATE concert SET origin = $1, revision = $2, status = $3, starts_at = $4, ends_at = $5,
                reminder_deadline = $6, time_announced = $7, body = $8, updated_at = $9
            WHERE id = $10
            """,
            [
                .text(origin.rawValue), .integer(Int64(revision)), .text(concert.status.rawValue),
                .integer(concert.schedule.start.millis), .integer(concert.schedule.end.millis),
                .integer(concert.schedule.reminderDeadline.millis),
                .integer(Int64(concert.schedule.isTimeAnnounced ? 1 : 0)), .text(try StoredConcert.body(of: concert)),
                .integer(now.millis), .text(concert.id),
            ])
        if citiesChanged { try PostgresStore.setCities(connection, of: [concert]) }
    }

    func concertAdded(_ concert: StoredConcert, now: Date) throws -> NoticeTally {
        try PostgresStore.concertAdded(connection, concert: concert, now: now)
    }

    func concertRevised(from old: StoredConcert, to new: StoredConcert, now: Date) throws -> NoticeTally {
        try PostgresStore.concertRevised(connection, from: old, to: new, now: now)
    }

    func concertCancelled(_ concert: StoredConcert, now: Date) throws -> NoticeTally {
        try PostgresStore.concertCancelled(connection, concert: concert, now: now)
    }
}
