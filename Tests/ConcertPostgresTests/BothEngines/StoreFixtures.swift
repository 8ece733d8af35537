import ConcertCore
import ConcertPostgres
import Foundation

/// What the subscription and history suites start from on both engines: the shipped catalog's
/// concerts, written as each engine's store writes them, and the stores under test.
enum StoreFixtures {
    /// 2019-10-01T00:00 in Korea: every concert of the shipped catalog is ahead.
    static let now = Date(timeIntervalSince1970: 1_569_855_600)

    static let catalog: Catalog = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        do {
            return try CatalogLoader().load(path: root.appendingPathComponent("etc/concertd/concerts.json5").path)
        } catch {
            fatalError("the shipped catalog does not load: \(error)")
        }
    }()

    /// The catalog's concerts as stored rows (revision 1), in start order.
    static var storedConcerts: [StoredConcert] {
        catalog.concerts.map { StoredConcert(concert: $0, origin: .catalog, revision: 1) }
            .sorted { ($0.concert.schedule.start, $0.concert.id) < ($1.concert.schedule.start, $1.concert.id) }
    }

    /// Writes the catalog's concerts and their cities with SQL both engines speak (the concert
    /// store is not what these suites test).
    static func insertCatalog(_ store: OpenedStore, now: Date = now) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for concert in catalog.concerts {
            let body = String(decoding: try encoder.encode(concert), as: UTF8.self)
            let schedule = concert.schedule
            try store.execute(
                """
                INSERT INTO concert (id, origin, revision, status, starts_at, ends_at, reminder_deadline,
                    time_announced, body, created_at, updated_at)
                VALUES (\(quoted(concert.id)), 'catalog', 1, \(quoted(concert.status.rawValue)),
                    \(schedule.start.millis), \(schedule.end.millis), \(schedule.reminderDeadline.millis),
                    \(schedule.isTimeAnnounced ? 1 : 0), \(quoted(body)), \(now.millis), \(now.millis))
                """)
            for city in Set(concert.cities) {
                try store.execute(
                    "INSERT INTO concert_city (city_id, concert_id) VALUES (\(quoted(city)), \(quoted(concert.id)))")
            }
        }
    }

    static func quoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }

    static func email(_ address: String, _ cities: [String], before: String = "7d,1d", label: String? = nil)
        throws -> NewSubscription
    {
        NewSubscription(
            channel: .email(address), cities: cities, offsets: try ReminderOffset.parseList(before), label: label)
    }

    static func webhook(
        _ cities: [String], before: String = "7d,1d", format: String = "slack", lang: Language = .ko,
        label: String? = nil, secret: String? = nil, url: String = "https://hooks.slack.com/services/T0/B0/X"
    ) throws -> NewSubscription {
        NewSubscription(
            channel: .webhook(url: url, format: format, secret: secret), cities: cities,
            offsets: try ReminderOffset.parseList(before), language: lang, label: label)
    }

    /// The reminders a new subscription of `cities` with `offsets` has planned at `now`: one per
    /// scheduled concert of its cities and moment ahead (``ReminderDueTimes``).
    static func plannedReminderCount(_ cities: [String], offsets: [ReminderOffset], now: Date = now) -> Int {
        storedConcerts.filter { $0.concert.status == .scheduled && !Set($0.concert.cities).isDisjoint(with: cities) }
            .map { ReminderDueTimes.reminders(for: $0.concert, offsets: offsets, after: now, now: now).count }
            .reduce(0, +)
    }
}

extension OpenedStore {
    /// The store as the control commands' subscription handlers see it.
    var subscriptionStore: any SubscriptionStore { daemonStore }

    /// The store as the control commands' history readers see it.
    var history: any DeliveryHistoryStore { daemonStore }

    /// The same store opened again, as a second instance named "b" (a second connection to the
    /// same SQLite file).
    func secondInstance() throws -> any SubscriptionStore & DeliveryHistoryStore {
        if let sqlitePath { return try AppDatabase.open(path: sqlitePath) }
        return try PostgresStore.open(settings: postgres!.pool.settings, instanceName: "b")
    }
}
