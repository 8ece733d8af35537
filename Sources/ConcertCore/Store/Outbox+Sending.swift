import Foundation
import GRDB

/// A delivery claimed for sending, with its subscription.
public struct ClaimedDelivery: Sendable {
    public var delivery: Delivery
    public var subscription: Subscription
    /// Where the message goes, `host[:port]` or the smarthost: what the per-destination limits count.
    public var destination: String
    /// Whether another subscription has the same target: only then can the row be a duplicate.
    public var targetSubscribedTwice: Bool

    public init(
        delivery: Delivery, subscription: Subscription, destination: String? = nil, targetSubscribedTwice: Bool = true
    ) {
        self.delivery = delivery
        self.subscription = subscription
        self.destination = destination ?? subscription.channel.destination
        self.targetSubscribedTwice = targetSubscribedTwice
    }

    /// Delivery columns, then the subscription's, its destination and whether its target is
    /// subscribed twice, in the order `init(columns:)` reads them; add a WHERE clause.
    static let select = """
        SELECT \(Delivery.columns(of: "d")), \(Subscription.columns(of: "s")), s.destination,
            EXISTS (SELECT 1 FROM subscription twin WHERE twin.target = s.target AND twin.id <> s.id)
        FROM delivery d JOIN subscription s ON s.id = d.subscription_id
        """
}

extension ClaimedDelivery {
    /// Decodes a row of `select`. Columns are read by position: looking each one up by name was
    /// a tenth of the scheduler's time in a fan-out.
    init(columns row: SQLiteColumns) {
        let s = Delivery.columnCount + Subscription.columnCount
        self.init(
            delivery: Delivery(columnsOf: row), subscription: Subscription(columns: row, at: Delivery.columnCount),
            destination: row.text(s), targetSubscribedTwice: row.bool(s + 1))
    }
}

extension Delivery: PositionalColumns {
    static let columnNames = [
        "id", "subscription_id", "concert_id", "concert_revision", "kind", "offset_seconds", "due_at", "deadline_at",
        "state", "reason", "attempts", "next_attempt_at", "last_error", "detail", "created_at", "finished_at",
    ]

    /// Decodes the first columns of `row`, which are `columnNames` in that order. By
    /// position: looking each column up by name cost more than the query in a fan-out.
    init(columnsOf row: SQLiteColumns) {
        id = row.int64(0)
        subscriptionID = row.text(1)
        concertID = row.text(2)
        concertRevision = row.int(3)
        kind = Kind(rawValue: row.text(4)) ?? .reminder
        offset = ReminderOffset(seconds: row.int(5))
        due = Date(millis: row.int64(6))
        deadline = row.optionalInt64(7).map(Date.init(millis:))
        state = State(rawValue: row.text(8)) ?? .scheduled
        reason = row.optionalText(9).flatMap(SkipReason.init(rawValue:))
        attempts = row.int(10)
        nextAttempt = row.optionalInt64(11).map(Date.init(millis:))
        lastError = row.optionalText(12)
        detail = row.optionalText(13)
        createdAt = Date(millis: row.int64(14))
        finishedAt = row.optionalInt64(15).map(Date.init(millis:))
        idempotencyKey = Self.idempotencyKey(
            id: id, subscriptionID: subscriptionID, concertID: concertID, revision: concertRevision, kind: kind,
            offset: offset)
    }
}

/// What became of one claimed delivery, to be recorded.
public struct DeliveryResult: Sendable {
    public var delivery: Delivery
    public var subscription: Subscription
    public var outcome: DeliveryOutcome
    /// The state the row moves to and when it is next tried.
    public var newState: Delivery.State
    public var nextAttempt: Date?
    public var reason: Delivery.SkipReason?
    public var error: String?
    public var finishedAt: Date
    /// Whether another subscription has the same target: only then can a row wait for this one.
    var targetSubscribedTwice = false
}

extension AppDatabase {
    /// Rows left in `sending` by a crash go back to the queue, due now: at-least-once delivery.
    /// Returns how many were recovered.
    public func recoverInterruptedSends(now: Date) throws -> Int {
        try writer.write { db in
            try db.execute(
                sql: """
                    UPDATE attempt SET finished_at = ?, outcome = 'interrupted',
                        detail = 'concertd stopped before the reply was recorded'
                    WHERE finished_at IS NULL
                    """,
                arguments: [now.millis])
            // Moves out of `sending` are counted here, not by a trigger (schema v5).
            try db.execute(
                sql: """
                    UPDATE delivery SET state = 'retrying', next_attempt_at = ? WHERE state = 'sending' AND attempts > 1
                    """,
                arguments: [now.millis])
            var moves = SendingMoves()
            moves.out(to: .retrying, count: db.changesCount)
            try db.execute(
                sql: "UPDATE delivery SET state = 'scheduled', next_attempt_at = ? WHERE state = 'sending'",
                arguments: [now.millis])
            moves.out(to: .scheduled, count: db.changesCount)
            try moves.count(db)
            return moves.outOfSending
        }
    }

    /// Skips, as `superseded`, every reminder made pointless by a later reminder of the same
    /// subscription and concert that became due in `(after, upTo]`: after downtime or a clock jump
    /// only the latest missed reminder is sent. Returns the number skipped and the earliest
    /// `next_attempt_at` after `now` among pending rows: nothing can need sweeping before it.
    public func supersedeStaleReminders(after: Date, upTo now: Date) throws -> (skipped: Int, nextDue: Date?) {
        try writer.write { db in
            // Several reminders of one subscription and concert became due in this window: keep the
            // latest (the highest id among equal due times). In SQL, each row's siblings found
            // through `delivery_identity` (`+concert_id` keeps the planner off `delivery_by_concert`,
            // which walks every row of the concert; `kind <> 'test'` lets it use the partial index):
            // reading every row of a 100,000-subscriber window into Swift took 0.6 s.
            try db.execute(
                sql: """
                    UPDATE delivery SET state = 'skipped', reason = 'superseded', next_attempt_at = NULL, finished_at = ?
                    WHERE state IN ('scheduled', 'retrying') AND next_attempt_at > ? AND next_attempt_at <= ?
                        AND kind = 'reminder' AND EXISTS (
                            SELECT 1 FROM delivery later
                            WHERE later.subscription_id = delivery.subscription_id
                                AND +later.concert_id = delivery.concert_id AND later.kind = 'reminder'
                                AND later.kind <> 'test' AND later.state IN ('scheduled', 'retrying')
                                AND later.next_attempt_at > ? AND later.next_attempt_at <= ?
                                AND (later.due_at > delivery.due_at
                                    OR (later.due_at = delivery.due_at AND later.id > delivery.id)))
                    """,
                arguments: [now.millis, after.millis, now.millis, after.millis, now.millis])
            var skipped = db.changesCount
            // A reminder still being retried when a later one of the same concert falls due.
            try db.execute(
                sql: """
                    UPDATE delivery SET state = 'skipped', reason = 'superseded', next_attempt_at = NULL, finished_at = ?
                    WHERE state = 'retrying' AND kind = 'reminder' AND EXISTS (
                        SELECT 1 FROM delivery later
                        WHERE later.subscription_id = delivery.subscription_id
                            AND +later.concert_id = delivery.concert_id AND later.kind = 'reminder'
                            AND later.kind <> 'test' AND later.due_at > delivery.due_at AND later.due_at <= ? AND later.state <> 'skipped')
                    """,
                arguments: [now.millis, now.millis])
            skipped += db.changesCount
            return (skipped, try Self.nextDue(db, after: now))
        }
    }

    /// Due rows (`next_attempt_at <= now`), oldest first, with their subscriptions; rows of the
    /// destinations in `excluding` are left for later.
    public func dueDeliveries(now: Date, limit: Int, excluding destinations: Set<String>) throws -> [ClaimedDelivery] {
        try writer.read { db in
            var sql = """
                \(ClaimedDelivery.select)
                WHERE d.state IN ('scheduled', 'retrying') AND d.next_attempt_at <= ?
                """
            if !destinations.isEmpty {
                sql += " AND s.destination NOT IN (\(databaseQuestionMarks(count: destinations.count)))"
            }
            sql += " ORDER BY d.next_attempt_at, d.id LIMIT ?"
            // Cached: preparing it anew (GRDB's authorizer, SQLite's parser) cost as much as running it.
            let statement = try BoundStatement(db, cached: sql)
            statement.bind(1, now.millis)
            let limitIndex = statement.bind(destinations.sorted(), from: 2)
            statement.bind(limitIndex, limit)
            return try statement.rows(db, ClaimedDelivery.init(columns:))
        }
    }

    /// How long a row waits at most for the same message's verdict through another
    /// subscription before it looks again (the verdict itself wakes it sooner, `record`).
    static let twinWait: TimeInterval = 900

    /// The same message to the same channel through another subscription: what became of it.
    enum Twin {
        /// None, or none that was sent or may still be: this row is sent.
        case none
        /// Sent: this row is a duplicate.
        case sent
        /// Being sent or to be retried: this row waits for its verdict.
        case pending
    }

    /// The twin of a claimed row: a row of another subscription with the same target, format and
    /// language, for the same concert revision, kind and offset: the same message, word for word
    /// but for the cities a joint concert's message names. Confirmations (each confirms its own
    /// subscription) and test messages have none.
    ///
    /// The plan is pinned: `CROSS JOIN` takes the subscriptions of the target first (index
    /// `subscription_by_target`), `kind <> 'test'` lets each one's row be found through the partial
    /// index `delivery_identity` (not `delivery_by_concert`, which has fewer of the columns). Left to itself (no
    /// ANALYZE statistics) SQLite walked every sent row of the concert for each message: quadratic
    /// in a fan-out.
    static func twin(of claimed: ClaimedDelivery, _ db: Database) throws -> Twin {
        let d = claimed.delivery
        guard claimed.targetSubscribedTwice, d.kind != .confirmation, d.kind != .test else { return .none }
        let statement = try BoundStatement(
            db,
            cached: """
                SELECT MAX(d2.state = 'sent'), COUNT(*) FROM subscription s2 CROSS JOIN delivery d2
                    ON d2.subscription_id = s2.id
                WHERE s2.target = ? AND s2.id <> ? AND s2.format IS ? AND s2.lang = ?
                    AND d2.concert_id = ? AND d2.concert_revision = ? AND d2.kind = ? AND d2.kind <> 'test'
                    AND d2.offset_seconds = ? AND +d2.state IN ('sent', 'sending', 'retrying')
                """)
        bindTwin(statement, subscription: claimed.subscription, delivery: d, from: 1)
        let (sent, count) = try statement.rows(db) { ($0.bool(0), $0.int(1)) }.first ?? (false, 0)
        return sent ? .sent : count > 0 ? .pending : .none
    }

    /// Binds the 8 parameters of a twin query from `first` on: the target, the subscription to
    /// leave out, its format and language, and the message's concert, revision, kind and offset.
    private static func bindTwin(
        _ statement: BoundStatement, subscription: Subscription, delivery d: Delivery, from first: Int32
    ) {
        var format: String?
        if case .webhook(_, let f, _) = subscription.channel { format = f }
        statement.bind(
            [subscription.channel.target, subscription.id], from: first)
        statement.bind(first + 2, format)
        statement.bind([subscription.language.rawValue, d.concertID], from: first + 3)
        statement.bind(first + 5, Int64(d.concertRevision))
        statement.bind(first + 6, d.kind.rawValue)
        statement.bind(first + 7, Int64(d.offset.seconds))
    }

    /// Rows waiting for `result`'s verdict (`twin(of:_:)`) become due now: sent, they are
    /// duplicates; failed or skipped, one of them is sent in its place. Returns how many.
    static func wakeTwins(of result: DeliveryResult, _ db: Database) throws -> Int {
        guard result.targetSubscribedTwice, result.newState != .retrying else { return 0 }
        let statement = try BoundStatement(
            db,
            cached: """
                UPDATE delivery SET next_attempt_at = ? WHERE id IN (
                    SELECT d2.id FROM subscription s2 CROSS JOIN delivery d2 ON d2.subscription_id = s2.id
                    WHERE s2.target = ? AND s2.id <> ? AND s2.format IS ? AND s2.lang = ?
                        AND d2.concert_id = ? AND d2.concert_revision = ? AND d2.kind = ? AND d2.kind <> 'test'
                        AND d2.offset_seconds = ? AND +d2.state IN ('scheduled', 'retrying') AND d2.next_attempt_at > ?)
                """)
        let now = result.finishedAt.millis
        statement.bind(1, now)
        bindTwin(statement, subscription: result.subscription, delivery: result.delivery, from: 2)
        statement.bind(10, now)
        return try statement.run(db)
    }

    /// Records `results` (as `record` does), then marks claimed rows `sending` (recording an
    /// attempt each) and skips the ones given, all in one transaction: a busy fan-out commits once
    /// per round of verdicts, not twice. Returns the rows to send, the earliest moment a row was
    /// put off to, and whether a recorded verdict made rows due (`wakeTwins`).
    ///
    /// A row whose message another subscription of the same channel already sent (`twin(of:_:)`)
    /// is skipped as a duplicate; one whose twin is being sent or retried waits for that verdict
    /// (at most `twinWait`): sent, it is a duplicate; failed, it is sent instead.
    public func markSending(
        _ claimed: [ClaimedDelivery], skipping skips: [(Delivery, Delivery.SkipReason)],
        recording results: [DeliveryResult] = [], now: Date
    ) throws -> (sending: [ClaimedDelivery], putOffUntil: Date?, woke: Bool, duplicates: [ClaimedDelivery]) {
        try writer.write { db in
            let woken = try Self.record(results, db)
            let skipStatement = try BoundStatement(
                db,
                cached: """
                    UPDATE delivery SET state = 'skipped', reason = ?, next_attempt_at = NULL, finished_at = ?
                    WHERE id = ? AND state IN ('scheduled', 'retrying')
                    """)
            func skip(_ delivery: Delivery, _ reason: Delivery.SkipReason) throws {
                skipStatement.bind(1, reason.rawValue)
                skipStatement.bind(2, now.millis)
                skipStatement.bind(3, delivery.id)
                try skipStatement.run(db)
            }
            for (delivery, reason) in skips { try skip(delivery, reason) }
            // One state at a time, so that the move is counted from the state the row was in.
            let markStatement = try BoundStatement(
                db, cached: "UPDATE delivery SET state = 'sending', attempts = attempts + 1 WHERE id = ? AND state = ?")
            func mark(_ delivery: Delivery, from state: Delivery.State) throws -> Bool {
                markStatement.bind(1, delivery.id)
                markStatement.bind(2, state.rawValue)
                return try markStatement.run(db) == 1
            }
            var moves = SendingMoves()
            let attempt = try BoundStatement(
                db, cached: "INSERT INTO attempt (delivery_id, number, started_at, outcome) VALUES (?, ?, ?, 'sending')"
            )
            var sending: [ClaimedDelivery] = []
            sending.reserveCapacity(claimed.count)
            var putOffUntil: Date?
            var duplicates: [ClaimedDelivery] = []
            for var item in claimed {
                switch try Self.twin(of: item, db) {
                case .none:
                    break
                case .sent:
                    try skip(item.delivery, .duplicate)
                    duplicates.append(item)
                    continue
                case .pending:
                    let until = now.addingTimeInterval(Self.twinWait)
                    let putOff = try BoundStatement(
                        db,
                        cached:
                            "UPDATE delivery SET next_attempt_at = ? WHERE id = ? AND state IN ('scheduled', 'retrying')"
                    )
                    putOff.bind(1, until.millis)
                    putOff.bind(2, item.delivery.id)
                    try putOff.run(db)
                    putOffUntil = min(putOffUntil ?? until, until)
                    continue
                }
                let read = item.delivery.state == .retrying ? Delivery.State.retrying : .scheduled
                var from = read
                if try !mark(item.delivery, from: read) {
                    from = read == .retrying ? .scheduled : .retrying
                    guard try mark(item.delivery, from: from) else { continue }
                }
                moves.into(from: from)
                item.delivery.attempts += 1
                item.delivery.state = .sending
                attempt.bind(1, item.delivery.id)
                attempt.bind(2, item.delivery.attempts)
                attempt.bind(3, now.millis)
                try attempt.run(db)
                sending.append(item)
            }
            try moves.count(db)
            return (sending, putOffUntil, woken > 0, duplicates)
        }
    }

    /// Records the results of sends in one transaction; disables subscriptions whose endpoint is
    /// gone. Returns how many rows waiting for these verdicts became due (`wakeTwins`).
    @discardableResult
    public func record(_ results: [DeliveryResult]) throws -> Int {
        guard !results.isEmpty else { return 0 }
        return try writer.write { db in try Self.record(results, db) }
    }

    static func record(_ results: [DeliveryResult], _ db: Database) throws -> Int {
        guard !results.isEmpty else { return 0 }
        var woken = 0
        let update = try BoundStatement(
            db,
            cached: """
                UPDATE delivery SET state = ?, reason = ?, next_attempt_at = ?, last_error = ?, finished_at = ?
                WHERE id = ? AND state = 'sending'
                """)
        var moves = SendingMoves()
        let attempt = try BoundStatement(
            db,
            cached: "UPDATE attempt SET finished_at = ?, outcome = ?, detail = ? WHERE delivery_id = ? AND number = ?")
        for result in results {
            let finished: Int64? =
                result.newState == .sent || result.newState == .failed || result.newState == .skipped
                ? result.finishedAt.millis : nil
            update.bind(1, result.newState.rawValue)
            update.bind(2, result.reason?.rawValue)
            update.bind(3, result.nextAttempt?.millis)
            update.bind(4, result.error)
            update.bind(5, finished)
            update.bind(6, result.delivery.id)
            let moved = try update.run(db)
            moves.out(to: result.newState, count: moved)
            if moved > 0 { woken += try wakeTwins(of: result, db) }
            attempt.bind(1, result.finishedAt.millis)
            attempt.bind(2, result.outcome.name)
            attempt.bind(3, result.outcome.detail)
            attempt.bind(4, result.delivery.id)
            attempt.bind(5, result.delivery.attempts)
            try attempt.run(db)
            if case .gone(let error) = result.outcome {
                try db.execute(
                    sql: """
                        UPDATE subscription SET state = 'disabled', state_reason = ?, updated_at = ?
                        WHERE id = ? AND state = 'active'
                        """,
                    arguments: [
                        "the endpoint answered 410 Gone: \(error)", result.finishedAt.millis,
                        result.subscription.id,
                    ])
                try Outbox.skipPending(
                    db, subscriptionID: result.subscription.id, reason: .disabled,
                    now: result.finishedAt)
            }
        }
        try moves.count(db)
        return woken
    }

    /// The earliest `next_attempt_at` after `now` among pending rows.
    public func nextDue(after now: Date) throws -> Date? {
        try writer.read { db in try Self.nextDue(db, after: now) }
    }

    static func nextDue(_ db: Database, after now: Date) throws -> Date? {
        let statement = try db.cachedStatement(
            sql: """
                SELECT MIN(next_attempt_at) FROM delivery
                WHERE state IN ('scheduled', 'retrying') AND next_attempt_at > ?
                """)
        return try Int64.fetchOne(statement, arguments: [now.millis]).map(Date.init(millis:))
    }

    /// The earliest pending row, due or not.
    public func earliestPending() throws -> Date? {
        try writer.read { db in
            try Int64.fetchOne(
                db,
                sql: "SELECT MIN(next_attempt_at) FROM delivery WHERE state IN ('scheduled', 'retrying')"
            ).map(Date.init(millis:))
        }
    }

    /// Running counters kept by triggers: `delivery.sent`, `subscription.active`, …
    public func counters() throws -> [String: Int] {
        try writer.read { db in
            try Row.fetchAll(db, sql: "SELECT name, value FROM counter").reduce(into: [:]) {
                $0[$1["name"]] = $1["value"]
            }
        }
    }

    /// Deliveries, newest first, optionally filtered.
    public func deliveries(
        state: Delivery.State? = nil, subscriptionID: String? = nil, limit: Int = 100
    ) throws -> [Delivery] {
        try writer.read { db in
            var conditions: [String] = []
            var values: [String] = []
            if let state {
                conditions.append("state = ?")
                values.append(state.rawValue)
            }
            if let subscriptionID {
                conditions.append("subscription_id = ?")
                values.append(subscriptionID)
            }
            var sql = "SELECT \(Delivery.columns(of: "delivery")) FROM delivery"
            if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
            sql += " ORDER BY id DESC LIMIT ?"
            let statement = try BoundStatement(db, cached: sql)
            let limitIndex = statement.bind(values, from: 1)
            statement.bind(limitIndex, limit)
            return try statement.rows(db, Delivery.init(columnsOf:))
        }
    }

    /// Pending rows in due order.
    public func upcoming(limit: Int) throws -> [Delivery] {
        try writer.read { db in
            let statement = try BoundStatement(
                db,
                cached: """
                    SELECT \(Delivery.columns(of: "delivery")) FROM delivery
                    WHERE state IN ('scheduled', 'retrying') ORDER BY next_attempt_at, id LIMIT ?
                    """)
            statement.bind(1, limit)
            return try statement.rows(db, Delivery.init(columnsOf:))
        }
    }

    /// One delivery by id.
    public func delivery(id: Int64) throws -> Delivery? {
        try writer.read { db in try Self.delivery(db, id: id) }
    }

    static func delivery(_ db: Database, id: Int64) throws -> Delivery? {
        let statement = try BoundStatement(
            db, cached: "SELECT \(Delivery.columns(of: "delivery")) FROM delivery WHERE id = ?")
        statement.bind(1, id)
        return try statement.rows(db, Delivery.init(columnsOf:)).first
    }

    /// Attempts of one delivery, in order.
    public func attempts(deliveryID: Int64) throws -> [(number: Int, outcome: String, detail: String?)] {
        try writer.read { db in
            try Row.fetchAll(
                db, sql: "SELECT number, outcome, detail FROM attempt WHERE delivery_id = ? ORDER BY number",
                arguments: [deliveryID]
            ).map { (number: $0["number"], outcome: $0["outcome"], detail: $0["detail"]) }
        }
    }

    /// Puts a failed delivery back in the queue, due now.
    public func retryDelivery(id: Int64, now: Date) throws {
        try writer.write { db in
            try db.execute(
                sql: """
                    UPDATE delivery SET state = 'retrying', next_attempt_at = ?, finished_at = NULL
                    WHERE id = ? AND state = 'failed'
                    """,
                arguments: [now.millis, id])
            if db.changesCount == 0 {
                throw StoreError(.conflict, "delivery \(id) does not exist or has not failed")
            }
        }
    }
}

/// Rows moved into and out of `sending` in one transaction, counted once at its end (the counter
/// trigger leaves these moves to the scheduler's store functions, schema v5).
struct SendingMoves {
    private var deltas: [Delivery.State: Int] = [:]
    private(set) var outOfSending = 0

    mutating func into(from state: Delivery.State) {
        deltas[state, default: 0] -= 1
        deltas[.sending, default: 0] += 1
    }

    mutating func out(to state: Delivery.State, count: Int) {
        guard count > 0, state != .sending else { return }
        outOfSending += count
        deltas[.sending, default: 0] -= count
        deltas[state, default: 0] += count
    }

    func count(_ db: Database) throws {
        for (state, delta) in deltas where delta != 0 {
            try Counters.add(db, "delivery." + state.rawValue, delta)
        }
    }
}

extension DeliveryOutcome {
    /// Stable short name recorded with each attempt.
    public var name: String {
        switch self {
        case .sent: "sent"
        case .retryable: "retryable"
        case .permanent: "permanent"
        case .gone: "gone"
        case .destinationFailed: "destination_failed"
        }
    }

    /// The reply or error text.
    public var detail: String {
        switch self {
        case .sent(let detail): detail
        case .retryable(let error, _), .permanent(let error), .gone(let error), .destinationFailed(let error, _): error
        }
    }
}

extension AppDatabase {
    /// Records a test message for a subscription as `sending`, about its next concert (or its
    /// latest one when none is upcoming), and returns it ready to send.
    public func createTestDelivery(subscriptionID: String, now: Date) throws -> ClaimedDelivery {
        try writer.write { db in
            guard let subscription = try Self.subscription(db, id: subscriptionID), subscription.state != .removed
            else {
                throw StoreError(.notFound, "no subscription with id '\(subscriptionID)'")
            }
            let concerts = try Self.storedConcerts(db, inCities: subscription.cities)
            guard let concert = concerts.first(where: { $0.concert.schedule.reminderDeadline > now }) ?? concerts.last
            else {
                throw StoreError(.notFound, "subscription '\(subscriptionID)' has no concert to talk about")
            }
            // Its idempotency key is `test_<subscription>_<id>` (`Delivery.idempotencyKey`).
            try db.execute(
                sql: """
                    INSERT INTO delivery (subscription_id, concert_id, concert_revision, kind, offset_seconds, due_at,
                        state, attempts, created_at)
                    VALUES (?, ?, ?, 'test', 0, ?, 'sending', 1, ?)
                    """,
                arguments: [subscriptionID, concert.concert.id, concert.revision, now.millis, now.millis])
            let id = db.lastInsertedRowID
            try Counters.add(db, "delivery.sending")
            try db.execute(
                sql: "INSERT INTO attempt (delivery_id, number, started_at, outcome) VALUES (?, 1, ?, 'sending')",
                arguments: [id, now.millis])
            guard let delivery = try Self.delivery(db, id: id) else {
                throw StoreError(.notFound, "the test message's row \(id) vanished")
            }
            return ClaimedDelivery(delivery: delivery, subscription: subscription)
        }
    }
}

extension AppDatabase {
    /// Pending rows due in `[from, to]`, in due order, with their subscriptions: what `preview` renders.
    public func pendingDeliveries(from: Date, to: Date, limit: Int) throws -> [ClaimedDelivery] {
        try writer.read { db in
            let statement = try BoundStatement(
                db,
                cached: """
                    \(ClaimedDelivery.select)
                    WHERE d.state IN ('scheduled', 'retrying') AND d.next_attempt_at >= ? AND d.next_attempt_at <= ?
                    ORDER BY d.next_attempt_at, d.id LIMIT ?
                    """)
            statement.bind(1, from.millis)
            statement.bind(2, to.millis)
            statement.bind(3, limit)
            return try statement.rows(db, ClaimedDelivery.init(columns:))
        }
    }

    /// How many deliveries of `kind` exist for a concert's revision: the notices a change queued.
    public func deliveryCount(concertID: String, revision: Int, kind: Delivery.Kind) throws -> Int {
        try writer.read { db in
            try Int.fetchOne(
                db,
                sql: "SELECT COUNT(*) FROM delivery WHERE concert_id = ? AND concert_revision = ? AND kind = ?",
                arguments: [concertID, revision, kind.rawValue]) ?? 0
        }
    }
}
