import ConcertCore
import Foundation

extension PostgresStore {
    /// The bulk path of `concertctl subscribe --from` on PostgreSQL: `body` hands the
    /// subscriptions to the importer one by one, all in one transaction that `body` aborts by
    /// throwing; the rows go in with `COPY`, a chunk at a time (``PostgresSubscriptionImporter``).
    /// Returns how many were stored.
    ///
    /// The import holds the planning lock until it commits (the lock order of ``PostgresStore``):
    /// no instance creates a subscription or changes a concert meanwhile, so it reads the concerts
    /// and, for its check for the same subscription, the stored subscriptions once (as on SQLite,
    /// where the import is the one writer). The scheduler's claims and verdicts go on.
    @discardableResult
    public func importSubscriptions(now: Date, _ body: (any SubscriptionImporting) throws -> Void) throws -> Int {
        let imported = try planning { connection in
            let importer = try PostgresSubscriptionImporter(connection, now: now)
            try body(importer)
            try importer.finish()
            return importer.subscriptions
        }
        // The planner's statistics of what the import filled, now rather than when autovacuum
        // comes to it: planned for tables it believes empty, the search for superseded
        // reminders at the next due moment visits every due row once per due row. The import
        // has committed: a failure here (the connection lost) leaves it to autovacuum.
        try? pool.withConnection { connection in
            _ = try connection.execute("ANALYZE subscription, subscription_city, delivery")
        }
        return imported
    }
}

/// Stores the subscriptions of a bulk import and their reminders with `COPY`, inside the
/// transaction of ``PostgresStore/importSubscriptions(now:_:)``.
///
/// Subscriptions are kept until ``chunkSize`` have been added, then written with three `COPY`s
/// (subscriptions, their cities, their reminders): no statement per row. The reminders are
/// ``ImportedReminders``', the same on every engine; ids are ``SequentialIDs``, so every row's
/// id and position ascend in the order added, as on SQLite.
///
/// The same-subscription check (``SameSubscription``) has to answer for each line as it is added.
/// The importer reads the targets of the subscriptions not removed once, at its start, as
/// hashes; a line whose target none has (the common case) needs no lookup. One whose target is
/// taken is compared with the subscriptions of its channel in the database (the stored rows and
/// the chunks already copied; one lookup per channel, kept up to date as lines are copied) and
/// among the lines not yet copied, in that order, so the one named is the first made, as on SQLite.
final class PostgresSubscriptionImporter: SubscriptionImporting {
    /// Subscriptions kept before they are copied.
    static let chunkSize = 5_000

    private struct Line {
        var id: String
        var new: NewSubscription
        /// ``channelKey(_:)``.
        var channel: String
        var offsetsText: String

        var candidate: SameSubscription.Candidate {
            SameSubscription.Candidate(
                id: id, cities: new.cities.joined(separator: ","), offsets: offsetsText, state: "active")
        }
    }

    private let connection: PostgresConnection
    private let nowMillis: Int64
    private var reminders: ImportedReminders
    private var ids = SequentialIDs()
    /// The hashes of the targets of the subscriptions not removed, those of this import included.
    private var targets: Set<Int> = []
    /// The lines added and not yet copied, and their indexes by channel (``channelKey(_:)``).
    private var lines: [Line] = []
    private var linesByChannel: [String: [Int]] = [:]
    /// The subscriptions in the database (stored before the import, or copied by it) of each
    /// channel looked up so far, in the order they were made, kept as lines are copied: a channel
    /// is looked up once, however many lines name it.
    private var storedCandidates: [String: [SameSubscription.Candidate]] = [:]
    /// Subscriptions and reminders stored so far.
    private(set) var subscriptions = 0
    private var deliveries = 0

    init(_ connection: PostgresConnection, now: Date) throws {
        self.connection = connection
        nowMillis = now.millis
        let concerts = try connection.query(
            "SELECT origin, revision, body FROM concert WHERE status = 'scheduled' ORDER BY starts_at, id COLLATE \"C\""
        )
        reminders = ImportedReminders(
            concerts: try (0..<concerts.count).map { try PostgresStore.storedConcert(concerts, $0) }, now: now)
        let stored = try connection.query("SELECT DISTINCT target FROM subscription WHERE state <> 'removed'")
        targets.reserveCapacity(stored.count)
        for row in 0..<stored.count { targets.insert(stored.text(row, 0).hashValue) }
        ids = SequentialIDs(prefix: try PostgresStore.freePrefix(connection, avoiding: []))
        lines.reserveCapacity(Self.chunkSize)
    }

    func add(_ new: NewSubscription, id given: String?) throws -> String {
        let target = new.channel.target
        let channel = Self.channelKey(new)
        if !targets.insert(target.hashValue).inserted {
            let stored =
                try storedCandidates[channel]
                ?? PostgresStore.sameSubscriptionCandidates(connection, of: new)
            storedCandidates[channel] = stored
            let waiting = linesByChannel[channel, default: []].map { lines[$0].candidate }
            if let refusal = SameSubscription.refusal(of: new, among: stored + waiting) { throw refusal }
        }
        let id = try given ?? nextID()
        linesByChannel[channel, default: []].append(lines.count)
        lines.append(
            Line(
                id: id, new: new, channel: channel,
                offsetsText: new.offsets.map { String($0.seconds) }.joined(separator: ",")))
        subscriptions += 1
        if lines.count >= Self.chunkSize { try copyLines() }
        return id
    }

    /// What makes two subscriptions candidates for being the same: the channel's kind, its
    /// target, the webhook's format and the language (``SameSubscription``).
    private static func channelKey(_ new: NewSubscription) -> String {
        var format = "-"
        if case .webhook(_, let f, _) = new.channel { format = "=" + f }
        return [new.channel.channelKind, new.language.rawValue, format, new.channel.target].joined(separator: "\u{0}")
    }

    private func nextID() throws -> String {
        if ids.counter == SequentialIDs.capacity {
            ids = SequentialIDs(prefix: try PostgresStore.freePrefix(connection, avoiding: [ids.prefix]))
        }
        defer { ids.counter += 1 }
        return SequentialIDs.id(prefix: ids.prefix, counter: ids.counter)
    }

    /// Whether no stored subscription has an id of `block` yet: a block reserved before the
    /// transaction began (for a staged import) is checked once inside it.
    func isFree(_ block: SubscriptionIDBlock) throws -> Bool {
        try !PostgresStore.prefixIsTaken(connection, block.prefix)
    }

    /// Copies the lines kept, then adds what the import stored to this instance's counters.
    func finish() throws {
        try copyLines()
        var counts: [(String, Int)] = [
            ("subscription.active", subscriptions),
            (Subscription.Source.counterName(.import, .active), subscriptions), ("delivery.scheduled", deliveries),
        ]
        counts.removeAll { $0.1 == 0 }
        guard !counts.isEmpty else { return }
        try connection.query(
            "SELECT concertd_count(name, delta) FROM unnest($1::text[], $2::bigint[]) AS c(name, delta)",
            [.array(counts.map(\.0)), .array(counts.map { Int64($0.1) })])
    }

    /// Copies the lines kept: the subscriptions, their cities, their reminders, in the order added.
    private func copyLines() throws {
        guard !lines.isEmpty else { return }
        let createdAt = PostgresValue.integer(nowMillis)
        try connection.copyIn(
            """
            COPY subscription (id, channel, target, format, secret, destination, cities, offsets, lang, label, state,
                created_at, updated_at, source) FROM STDIN
            """
        ) { writer in
            for line in lines {
                var format: String?
                var secret: String?
                if case .webhook(_, let f, let s) = line.new.channel {
                    format = f
                    secret = s
                }
                try writer.append([
                    .text(line.id), .text(line.new.channel.channelKind), .text(line.new.channel.target),
                    .text(format), .text(secret), .text(line.new.channel.destination),
                    .text(line.new.cities.joined(separator: ",")), .text(line.offsetsText),
                    .text(line.new.language.rawValue), .text(line.new.label), "active", createdAt, createdAt, "import",
                ])
            }
        }
        try connection.copyIn("COPY subscription_city (city_id, subscription_id) FROM STDIN") { writer in
            for line in lines {
                var seen: Set<String> = []
                for city in line.new.cities where seen.insert(city).inserted {
                    try writer.append([.text(city), .text(line.id)])
                }
            }
        }
        try connection.copyIn(
            """
            COPY delivery (subscription_id, concert_id, concert_revision, kind, offset_seconds, due_at, deadline_at,
                state, next_attempt_at, created_at) FROM STDIN
            """
        ) { writer in
            for line in lines {
                try reminders.rows(of: line.new, offsetsText: line.offsetsText) { reminder in
                    let due = PostgresValue.integer(reminder.dueMillis)
                    try writer.append([
                        .text(line.id), .text(reminder.concertID), .integer(reminder.concertRevision), "reminder",
                        .integer(reminder.offsetSeconds), due, .integer(reminder.deadlineMillis), "scheduled", due,
                        createdAt,
                    ])
                    deliveries += 1
                }
            }
        }
        for line in lines where storedCandidates[line.channel] != nil {
            storedCandidates[line.channel]?.append(line.candidate)
        }
        lines.removeAll(keepingCapacity: true)
        linesByChannel.removeAll(keepingCapacity: true)
    }
}
