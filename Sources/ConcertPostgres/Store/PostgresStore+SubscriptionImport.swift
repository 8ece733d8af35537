import ConcertCore
import Foundation
import Synchronization

extension PostgresStore {
    /// The bulk path of `concertctl subscribe --from` on PostgreSQL: `body` hands the
    /// subscriptions to the importer one by one, all in one transaction that `body` aborts by
    /// throwing; the rows go in with `COPY`, a chunk at a time (``PostgresSubscriptionImporter``).
    /// Returns how many were stored.
    ///
    /// The import holds the planning lock until it commits (the lock order of ``PostgresStore``):
    /// no instance creates a subscription or changes a concert meanwhile, so it reads the concerts
    /// and, for its check for the same subscription, the stored subscriptions it needs once (as
    /// on SQLite, where the import is the one writer). The scheduler's claims and verdicts go on.
    @discardableResult
    public func importSubscriptions(now: Date, _ body: (any SubscriptionImporting) throws -> Void) throws -> Int {
        let importer = try planning { connection in
            let importer = try PostgresSubscriptionImporter(connection, now: now, continuing: importIDs.last)
            try body(importer)
            try importer.finish()
            return importer
        }
        if let made = importer.madeIDs { importIDs.last = made }
        // The import has committed: a failure here (the connection lost) leaves it to autovacuum.
        try? pool.withConnection { connection in try Self.analyzeGrownTables(connection, importer.copiedRows) }
        return importer.subscriptions
    }

    /// Takes the planner's statistics of each table the import filled that has at least doubled
    /// since they were last taken (by its size against `pg_class.relpages`; never taken:
    /// `reltuples` is `-1`), now rather than when autovacuum comes to it: planned for tables it
    /// believes empty, the search for superseded reminders at the next due moment visits every due
    /// row once per due row. A table grown by less is left to autovacuum (it analyzes a table once
    /// a tenth of its rows changed; the planner scales the row counts it knows by the table's
    /// size meanwhile): an `ANALYZE` reads a sample of up to 30,000 rows of each table, and one
    /// after each of many small imports (the `subscribe.bulk` requests of one file, a few hundred
    /// lines each) cost each of them time in proportion to the rows stored before it.
    static func analyzeGrownTables(_ connection: PostgresConnection, _ copied: [String: Int]) throws {
        let tables = copied.filter { $0.value > 0 }.keys.sorted()
        guard !tables.isEmpty else { return }
        let grown = try connection.query(
            """
            SELECT relname::text FROM pg_class WHERE oid = ANY($1::text[]::regclass[])
                AND (reltuples < 0 OR pg_relation_size(oid) >= 2 * relpages::bigint * current_setting('block_size')::bigint)
            ORDER BY relname
            """,
            [.array(tables)])
        guard grown.count > 0 else { return }
        _ = try connection.execute("ANALYZE " + (0..<grown.count).map { grown.text($0, 0) }.joined(separator: ", "))
    }

    /// Where the new ids of this store's last committed bulk import stopped: the prefix and the
    /// next counter (``SequentialIDs``). Only a hint: the next import checks it in the database
    /// before it continues those ids.
    final class ImportIDs: Sendable {
        private let value = Mutex<(prefix: String, counter: Int)?>(nil)

        var last: (prefix: String, counter: Int)? {
            get { value.withLock { $0 } }
            set { value.withLock { $0 = newValue } }
        }
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
/// **No step in proportion to the rows already stored**, so that many small imports (the
/// `subscribe.bulk` requests of one file) take the time of one large one:
/// - The same-subscription check (``SameSubscription``) has to answer for each line as it is
///   added. The importer knows which targets are taken (as hashes) by the subscriptions not
///   removed: those of the lines announced with ``prepare(toAdd:)``, looked up at once on the
///   target's index, or, when an import announces none (a staged commit, read line by line), all
///   of them, read once at its first line. A line whose target none has (the common case) needs
///   no lookup. One whose target is taken is compared with the subscriptions of its channel in
///   the database (the stored rows and the chunks already copied; one lookup per channel, kept up
///   to date as lines are copied) and among the lines not yet copied, in that order, so the one
///   named is the first made, as on SQLite.
/// - New ids continue the prefix of the store's last import (``PostgresStore/ImportIDs``) when
///   its last id is stored and no subscription made after it has an id of that prefix (one look
///   at the rows made since, on `position`'s index: every subscription is made under the
///   planning lock, so positions ascend in the order of commits); otherwise a new prefix no
///   stored id has (a scan of the ids, ``PostgresStore/freePrefix(_:avoiding:)``).
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

    /// Which targets of the subscriptions not removed have been read into ``taken``.
    private enum TargetsRead {
        /// None yet.
        case none
        /// Those of these targets (the lines announced, and any looked up alone).
        case only(Set<String>)
        /// All of them.
        case all
    }

    /// The import's connection, in its transaction.
    let connection: PostgresConnection
    private let nowMillis: Int64
    private var reminders: ImportedReminders
    /// The ids of the last import to continue, if any (``PostgresStore/ImportIDs``).
    private let continuing: (prefix: String, counter: Int)?
    /// The ids new lines get; chosen at the first line that needs one.
    private var ids: SequentialIDs?
    /// The hashes of the targets taken by the subscriptions not removed, of those read
    /// (``targetsRead``) and of this import's lines.
    private var taken: Set<Int> = []
    private var targetsRead = TargetsRead.none
    /// The lines added and not yet copied, and their indexes by channel (``channelKey(_:)``).
    private var lines: [Line] = []
    private var linesByChannel: [String: [Int]] = [:]
    /// The subscriptions in the database (stored before the import, or copied by it) of each
    /// channel looked up so far, in the order they were made, kept as lines are copied: a channel
    /// is looked up once, however many lines name it.
    private var storedCandidates: [String: [SameSubscription.Candidate]] = [:]
    /// Subscriptions stored so far.
    private(set) var subscriptions = 0
    /// The rows copied into each table so far.
    private(set) var copiedRows: [String: Int] = [:]

    /// Where this import's new ids stopped (the prefix and the next counter), if it made any.
    var madeIDs: (prefix: String, counter: Int)? {
        guard let ids, ids.counter > 0 else { return nil }
        return (ids.prefix, ids.counter)
    }

    init(_ connection: PostgresConnection, now: Date, continuing: (prefix: String, counter: Int)? = nil) throws {
        self.connection = connection
        self.continuing = continuing
        nowMillis = now.millis
        let concerts = try connection.query(
            "SELECT origin, revision, body FROM concert WHERE status = 'scheduled' ORDER BY starts_at, id COLLATE \"C\""
        )
        reminders = ImportedReminders(
            concerts: try (0..<concerts.count).map { try PostgresStore.storedConcert(concerts, $0) }, now: now)
        lines.reserveCapacity(Self.chunkSize)
    }

    func prepare(toAdd subscriptions: [NewSubscription]) throws {
        var read: Set<String>
        switch targetsRead {
        case .all: return
        case .none: read = []
        case .only(let targets): read = targets
        }
        var unread: [String] = []
        for new in subscriptions where read.insert(new.channel.target).inserted { unread.append(new.channel.target) }
        try readTargets(unread)
        targetsRead = .only(read)
    }

    func add(_ new: NewSubscription, id given: String?) throws -> String {
        let target = new.channel.target
        switch targetsRead {
        case .none: try readAllTargets()
        case .only(let read) where !read.contains(target): try prepare(toAdd: [new])
        default: break
        }
        let channel = Self.channelKey(new)
        if !taken.insert(target.hashValue).inserted {
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

    /// Reads which of `targets` a subscription not removed has, on the target's index, at most
    /// ``chunkSize`` in one statement.
    private func readTargets(_ targets: [String]) throws {
        var start = 0
        while start < targets.count {
            let end = min(start + Self.chunkSize, targets.count)
            let rows = try connection.query(
                "SELECT DISTINCT target FROM subscription WHERE target = ANY($1::text[]) AND state <> 'removed'",
                [.array(Array(targets[start..<end]))])
            for row in 0..<rows.count { taken.insert(rows.text(row, 0).hashValue) }
            start = end
        }
    }

    /// Reads the targets of every subscription not removed: for an import that announced none.
    private func readAllTargets() throws {
        let stored = try connection.query("SELECT DISTINCT target FROM subscription WHERE state <> 'removed'")
        taken.reserveCapacity(stored.count)
        for row in 0..<stored.count { taken.insert(stored.text(row, 0).hashValue) }
        targetsRead = .all
    }

    /// What makes two subscriptions candidates for being the same: the channel's kind, its
    /// target, the webhook's format and the language (``SameSubscription``).
    private static func channelKey(_ new: NewSubscription) -> String {
        var format = "-"
        if case .webhook(_, let f, _) = new.channel { format = "=" + f }
        return [new.channel.channelKind, new.language.rawValue, format, new.channel.target].joined(separator: "\u{0}")
    }

    private func nextID() throws -> String {
        var ids = try self.ids ?? firstIDs()
        if ids.counter == SequentialIDs.capacity {
            ids = SequentialIDs(prefix: try PostgresStore.freePrefix(connection, avoiding: [ids.prefix]))
        }
        defer {
            ids.counter += 1
            self.ids = ids
        }
        return SequentialIDs.id(prefix: ids.prefix, counter: ids.counter)
    }

    /// The ids of the last import continued (``continuing``) when its last id is stored and no
    /// subscription made after it has an id of its prefix; else a new prefix. Both ends of the
    /// positions looked at are bounds: the plan, made before it knows them, reads the position's
    /// index (a lower bound alone is planned as a scan of the whole table).
    private func firstIDs() throws -> SequentialIDs {
        if let continuing, continuing.counter > 0, continuing.counter < SequentialIDs.capacity {
            let (prefix, counter) = continuing
            let check = try connection.query(
                """
                SELECT EXISTS (SELECT 1 FROM subscription WHERE id = $1),
                    EXISTS (SELECT 1 FROM subscription
                        WHERE position > (SELECT position FROM subscription WHERE id = $1)
                            AND position <= (SELECT max(position) FROM subscription) AND starts_with(id, $2))
                """,
                [.text(SequentialIDs.id(prefix: prefix, counter: counter - 1)), .text(prefix)])
            if check.bool(0, 0) && !check.bool(0, 1) { return SequentialIDs(prefix: prefix, counter: counter) }
        }
        return SequentialIDs(prefix: try PostgresStore.freePrefix(connection, avoiding: []))
    }

    /// Whether no stored subscription has an id of `block` yet: a block reserved before the
    /// transaction began (for a staged import) is checked once inside it.
    func isFree(_ block: SubscriptionIDBlock) throws -> Bool {
        try !PostgresStore.prefixIsTaken(connection, block.prefix)
    }

    /// Copies the lines kept, then adds what the import stored to this instance's counters.
    func finish() throws {
        try copyLines()
        let deliveries = copiedRows["delivery", default: 0]
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
        copiedRows["subscription", default: 0] += lines.count
        var cityRows = 0
        try connection.copyIn("COPY subscription_city (city_id, subscription_id) FROM STDIN") { writer in
            for line in lines {
                var seen: Set<String> = []
                for city in line.new.cities where seen.insert(city).inserted {
                    try writer.append([.text(city), .text(line.id)])
                    cityRows += 1
                }
            }
        }
        copiedRows["subscription_city", default: 0] += cityRows
        var deliveries = 0
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
        copiedRows["delivery", default: 0] += deliveries
        for line in lines where storedCandidates[line.channel] != nil {
            storedCandidates[line.channel]?.append(line.candidate)
        }
        lines.removeAll(keepingCapacity: true)
        linesByChannel.removeAll(keepingCapacity: true)
    }
}
