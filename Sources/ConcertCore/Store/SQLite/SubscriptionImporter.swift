import Foundation
import GRDB

/// Inserts the subscriptions of a bulk import and their reminders, inside the transaction of
/// `AppDatabase.importSubscriptions(now:_:)`.
///
/// Reuses prepared statements, binding their values with SQLite's C API (`BoundStatement`: GRDB's
/// `StatementArguments`, an array of boxed values per row, make the import a fifth slower), and
/// counts the rows it inserts once at the end (`Counters`) instead of per row. The reminders are
/// ``ImportedReminders``', the same on every engine.
final class SubscriptionImporter: SubscriptionImporting {
    /// The page cache of the import transaction, in KiB. Ascending ids (`SequentialIDs`) keep
    /// the pages an import changes few: 32 MiB imports 1,000,000 subscriptions as fast as 256 MiB
    /// (`StoreScale`, BENCHMARKS.md), and the daemon's memory stays low.
    static let cacheKiB = 32_768

    private let db: Database
    private let nowMillis: Int64
    private var reminders: ImportedReminders
    private let insertSubscription: BoundStatement
    private let insertCity: BoundStatement
    private let insertDelivery: BoundStatement
    private var ids: SequentialIDs
    /// Subscriptions and reminders inserted so far.
    private(set) var subscriptions = 0
    private var deliveries = 0

    init(_ db: Database, now: Date) throws {
        self.db = db
        nowMillis = now.millis
        reminders = ImportedReminders(concerts: try AppDatabase.storedConcerts(db), now: now)
        ids = try SequentialIDs(db)
        insertSubscription = try BoundStatement(
            db,
            cached: """
                INSERT INTO subscription (id, channel, target, format, secret, destination, cities, offsets, lang,
                    label, state, created_at, updated_at, source)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?, 'import')
                """)
        insertCity = try BoundStatement(
            db, cached: "INSERT OR IGNORE INTO subscription_city (city_id, subscription_id) VALUES (?, ?)")
        insertDelivery = try BoundStatement(
            db,
            cached: """
                INSERT INTO delivery (subscription_id, concert_id, concert_revision, kind, offset_seconds, due_at,
                    deadline_at, state, next_attempt_at, created_at)
                VALUES (?, ?, ?, 'reminder', ?, ?, ?, 'scheduled', ?, ?)
                """)
    }

    /// Stores one subscription, active, with its reminders; returns its id: `id` when given (one
    /// of a ``SubscriptionIDBlock`` that ``isFree(_:)`` has confirmed), else a new one. Throws a
    /// `conflict` `StoreError`, storing nothing, when a subscription not removed (or an earlier
    /// line of this import) already asks for the same (`AppDatabase.refuseSameSubscription`).
    func add(_ new: NewSubscription, id given: String?) throws -> String {
        try AppDatabase.refuseSameSubscription(db, as: new)
        let id = try given ?? ids.next(db)
        var format: String?
        var secret: String?
        if case .webhook(_, let f, let s) = new.channel {
            format = f
            secret = s
        }
        let offsetsText = new.offsets.map { String($0.seconds) }.joined(separator: ",")
        let s = insertSubscription
        s.bind(1, id)
        s.bind(2, new.channel.channelKind)
        s.bind(3, new.channel.target)
        s.bind(4, format)
        s.bind(5, secret)
        s.bind(6, new.channel.destination)
        s.bind(7, new.cities.joined(separator: ","))
        s.bind(8, offsetsText)
        s.bind(9, new.language.rawValue)
        s.bind(10, new.label)
        s.bind(11, nowMillis)
        s.bind(12, nowMillis)
        try s.run(db)
        for city in new.cities {
            insertCity.bind(1, city)
            insertCity.bind(2, id)
            try insertCity.run(db)
        }
        let d = insertDelivery
        try reminders.rows(of: new, offsetsText: offsetsText) { reminder in
            d.bind(1, id)
            d.bind(2, reminder.concertID)
            d.bind(3, reminder.concertRevision)
            d.bind(4, reminder.offsetSeconds)
            d.bind(5, reminder.dueMillis)
            d.bind(6, reminder.deadlineMillis)
            d.bind(7, reminder.dueMillis)
            d.bind(8, nowMillis)
            try d.run(db)
            deliveries += 1
        }
        subscriptions += 1
        return id
    }

    /// Whether no stored subscription has an id of `block` yet: a block reserved before the
    /// transaction began (for a staged import) is checked once inside it.
    func isFree(_ block: SubscriptionIDBlock) throws -> Bool {
        try !SequentialIDs.prefixIsTaken(block.prefix, db)
    }

    /// Adds what was inserted to the running counters.
    func finish() throws {
        try Counters.add(db, "subscription.active", subscriptions)
        try Counters.add(db, Subscription.Source.counterName(.import, .active), subscriptions)
        try Counters.add(db, "delivery.scheduled", deliveries)
    }
}
