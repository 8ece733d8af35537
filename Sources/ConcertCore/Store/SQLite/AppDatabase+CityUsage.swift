import Foundation
import GRDB

extension AppDatabase {
    /// The usage of every city something names that is not one of `known` (the catalog's): what
    /// a start with a catalog that dropped a city in use leaves behind.
    public func usageOfCities(notIn known: Set<String>, now: Date) throws -> [String: CityUsage] {
        try writer.read { db in try Self.usageOfCities(db, notIn: known, now: now) }
    }

    private static func usageOfCities(_ db: Database, notIn known: Set<String>, now: Date) throws -> [String:
        CityUsage]
    {
        let named = try String.fetchAll(
            db, sql: "SELECT city_id FROM subscription_city UNION SELECT city_id FROM concert_city")
        return try usage(db, ofCities: named.filter { !known.contains($0) }, now: now)
    }

    /// The usage of each of `cities` that something still names; cities named by nothing are absent.
    public func usage(ofCities cities: [String], now: Date) throws -> [String: CityUsage] {
        try writer.read { db in try Self.usage(db, ofCities: cities, now: now) }
    }

    private static func usage(_ db: Database, ofCities cities: [String], now: Date) throws -> [String: CityUsage] {
        guard !cities.isEmpty else { return [:] }
        let marks = databaseQuestionMarks(count: cities.count)
        var usage: [String: CityUsage] = [:]
        let subscriptions = try Row.fetchAll(
            db,
            sql: """
                SELECT sc.city_id AS city, COUNT(*) AS count FROM subscription_city sc
                JOIN subscription s ON s.id = sc.subscription_id
                WHERE sc.city_id IN (\(marks)) AND s.state <> 'removed' GROUP BY sc.city_id
                """,
            arguments: StatementArguments(cities))
        for row in subscriptions {
            usage[row["city"] as String, default: CityUsage()].subscriptions = row["count"]
        }
        let concerts = try Row.fetchAll(
            db,
            sql: """
                SELECT cc.city_id AS city, c.id AS id FROM concert_city cc JOIN concert c ON c.id = cc.concert_id
                WHERE cc.city_id IN (\(marks)) AND c.origin = 'admin' AND c.status = 'scheduled' AND c.ends_at > ?
                ORDER BY c.starts_at, c.id
                """,
            arguments: StatementArguments(cities) + [now.millis])
        for row in concerts {
            usage[row["city"] as String, default: CityUsage()].concerts.append(row["id"])
        }
        return usage
    }
}

extension AppDatabase {
    /// The active email subscriptions: a reload that turns email off (no `smtp_url`) holds
    /// their reminders, and says how many.
    public func activeEmailSubscriptionCount() throws -> Int {
        try writer.read { db in
            try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM subscription WHERE channel = 'email' AND state = 'active'") ?? 0
        }
    }
}
