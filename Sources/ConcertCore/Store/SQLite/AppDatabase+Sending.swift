import Foundation
import GRDB

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
            // Moves out of `sending` are counted here, with the transaction's other moves: the counter
            // trigger leaves them to the scheduler's store functions.
            try db.execute(
                sql: """
                    UPDATE delivery SET state = 'retrying', next_attempt_at = ? WHERE state = 'sending' AND attempts > 1
                    """,
                arguments: [now.millis])
            var moves = StateMoveCounts()
            moves.left(to: .retrying, count: db.changesCount)
            try db.execute(
                sql: "UPDATE delivery SET state = 'scheduled', next_attempt_at = ? WHERE state = 'sending'",
                arguments: [now.millis])
            moves.left(to: .scheduled, count: db.changesCount)
            try moves.count(db)
            return moves.left
        }
    }

    /// Skips, as `superseded`, every reminder made pointless by a later reminder of the same
    /// subscription and concert that became due in `(after, upTo]`: after downtime or a clock jump
    /// only the latest missed reminder is sent. Returns the number skipped and the earliest
    /// `next_attempt_at` after `now` among pending rows: nothing can need the catch-up before it.
    public func supersedeStaleReminders(after: Date, upTo now: Date) throws -> (skipped: Int, nextDue: Date?) {
        try writer.write { db in
            // Several reminders of one subscription and concert became due in this window: keep the
            // latest (the highest id among equal due times). In SQL, each row's siblings found
            // through `delivery_identity` (`+concert_id` keeps the planner off `delivery_by_concert`,
            // which walks every row of the concert; `kind <> 'test'` lets it use the partial index),
            // rather than every row of the window read into Swift, which grows with the subscribers.
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
    public func dueDeliveries(now: Date, limit: Int, excluding destinations: Set<String>) throws -> [PendingDelivery] {
        try writer.read { db in
            var sql = """
                \(PendingDelivery.select)
                WHERE d.state IN ('scheduled', 'retrying') AND d.next_attempt_at <= ?
                """
            if !destinations.isEmpty {
                sql += " AND s.destination NOT IN (\(databaseQuestionMarks(count: destinations.count)))"
            }
            sql += " ORDER BY d.next_attempt_at, d.id LIMIT ?"
            // Cached: preparing it anew (GRDB's authorizer, SQLite's parser) costs as much as running it.
            let statement = try BoundStatement(db, cached: sql)
            statement.bind(1, now.millis)
            let limitIndex = statement.bind(destinations.sorted(), from: 2)
            statement.bind(limitIndex, limit)
            return try statement.rows(db, PendingDelivery.init(columns:))
        }
    }

    /// The twin of a due row: a row of another subscription with the same target, format and
    /// language, for the same concert revision, kind and offset: the same message, word for word
    /// but for the cities a joint concert's message names. Asked only of a row that may have one
    /// (`DeliveryTwin.mayExist`: not a confirmation, not a test message).
    ///
    /// The plan is pinned: `CROSS JOIN` takes the subscriptions of the target first (index
    /// `subscription_by_target`), `kind <> 'test'` lets each one's row be found through the partial
    /// index `delivery_identity` (not `delivery_by_concert`, which has fewer of the columns). Left to itself (no
    /// ANALYZE statistics) SQLite may walk every sent row of the concert for each message: quadratic
    /// in a fan-out.
    static func twin(of due: PendingDelivery, _ db: Database) throws -> DeliveryTwin {
        let d = due.delivery
        let statement = try BoundStatement(
            db,
            cached: """
                SELECT MAX(d2.state = 'sent'), COUNT(*) FROM subscription s2 CROSS JOIN delivery d2
                    ON d2.subscription_id = s2.id
                WHERE s2.target = ? AND s2.id <> ? AND s2.format IS ? AND s2.lang = ?
                    AND d2.concert_id = ? AND d2.concert_revision = ? AND d2.kind = ? AND d2.kind <> 'test'
                    AND d2.offset_seconds = ? AND +d2.state IN ('sent', 'sending', 'retrying')
                """)
        bindTwin(statement, subscription: due.subscription, delivery: d, from: 1)
        let (sent, count) = try statement.rows(db) { ($0.bool(0), $0.int(1)) }.first ?? (false, 0)
        return DeliveryTwin(anySent: sent, count: count)
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

    /// Rows waiting for the verdict of `record` (`twin(of:_:)`) become due now: sent, they are
    /// duplicates; failed or skipped, one of them is sent in its place. Asked only after a verdict
    /// that wakes them (`DeliveryTwin.verdictWakes`). Returns how many.
    static func wakeTwins(of record: DeliveryRecord, _ db: Database) throws -> Int {
        let statement = try BoundStatement(
            db,
            cached: """
                UPDATE delivery SET next_attempt_at = ? WHERE id IN (
                    SELECT d2.id FROM subscription s2 CROSS JOIN delivery d2 ON d2.subscription_id = s2.id
                    WHERE s2.target = ? AND s2.id <> ? AND s2.format IS ? AND s2.lang = ?
                        AND d2.concert_id = ? AND d2.concert_revision = ? AND d2.kind = ? AND d2.kind <> 'test'
                        AND d2.offset_seconds = ? AND +d2.state IN ('scheduled', 'retrying') AND d2.next_attempt_at > ?)
                """)
        let now = record.finishedAt.millis
        statement.bind(1, now)
        bindTwin(statement, subscription: record.subscription, delivery: record.delivery, from: 2)
        statement.bind(10, now)
        return try statement.run(db)
    }

    /// Writes `records` (as `record` does), then claims the `due` rows still pending, marking them
    /// `sending` (recording an attempt each), and skips the ones given, all in one transaction: a
    /// busy fan-out commits once per round of verdicts, not twice. Returns the claimed rows, the
    /// earliest moment a row was put off to, and whether a recorded verdict made rows due (`wakeTwins`).
    ///
    /// A row whose message another subscription of the same channel already sent (`twin(of:_:)`)
    /// is skipped as a duplicate; one whose twin is being sent or retried waits for that verdict
    /// (at most `DeliveryTwin.wait`): sent, it is a duplicate; failed, it is sent instead.
    public func claim(
        _ due: [PendingDelivery], skipping skips: [(Delivery, Delivery.SkipReason)],
        recording records: [DeliveryRecord], now: Date
    ) throws -> (sending: [ClaimedDelivery], putOffUntil: Date?, woke: Bool, duplicates: [PendingDelivery]) {
        try writer.write { db in
            let woken = try Self.record(records, db)
            let steps = SQLiteSendingSteps(db: db)
            for (delivery, reason) in skips { try steps.skip(delivery, reason, now: now) }
            // One state at a time, so that the move is counted from the state the row was in.
            let markStatement = try BoundStatement(
                db, cached: "UPDATE delivery SET state = 'sending', attempts = attempts + 1 WHERE id = ? AND state = ?")
            func mark(_ delivery: Delivery, from state: Delivery.State) throws -> Bool {
                markStatement.bind(1, delivery.id)
                markStatement.bind(2, state.rawValue)
                return try markStatement.run(db) == 1
            }
            var moves = StateMoveCounts()
            let attempt = try BoundStatement(
                db, cached: "INSERT INTO attempt (delivery_id, number, started_at, outcome) VALUES (?, ?, ?, 'sending')"
            )
            var sending: [ClaimedDelivery] = []
            sending.reserveCapacity(due.count)
            // Each row is marked `sending` before the next row's twin is read: a later row of the
            // same batch sees it as its twin being sent.
            let (putOffUntil, duplicates) = try SendingRules.claim(due, now: now, steps) { item in
                let read = item.delivery.state == .retrying ? Delivery.State.retrying : .scheduled
                var from = read
                if try !mark(item.delivery, from: read) {
                    from = read == .retrying ? .scheduled : .retrying
                    guard try mark(item.delivery, from: from) else { return }
                }
                moves.entered(from: from)
                var claimed = item.delivery
                claimed.attempts += 1
                claimed.state = .sending
                attempt.bind(1, claimed.id)
                attempt.bind(2, claimed.attempts)
                attempt.bind(3, now.millis)
                try attempt.run(db)
                sending.append(ClaimedDelivery(item, claimedAs: claimed))
            }
            try moves.count(db)
            return (sending, putOffUntil, woken > 0, duplicates)
        }
    }

    /// Writes the records of verdicts in one transaction; disables subscriptions whose endpoint is
    /// gone. Returns how many rows waiting for these verdicts became due (`wakeTwins`).
    @discardableResult
    public func record(_ records: [DeliveryRecord]) throws -> Int {
        guard !records.isEmpty else { return 0 }
        return try writer.write { db in try Self.record(records, db) }
    }

    static func record(_ records: [DeliveryRecord], _ db: Database) throws -> Int {
        guard !records.isEmpty else { return 0 }
        var woken = 0
        let update = try BoundStatement(
            db,
            cached: """
                UPDATE delivery SET state = ?, reason = ?, next_attempt_at = ?, last_error = ?, finished_at = ?
                WHERE id = ? AND state = 'sending'
                """)
        var moves = StateMoveCounts()
        let attempt = try BoundStatement(
            db,
            cached: "UPDATE attempt SET finished_at = ?, outcome = ?, detail = ? WHERE delivery_id = ? AND number = ?")
        for record in records {
            let finished: Int64? =
                record.newState.isFinal
                ? record.finishedAt.millis : nil
            update.bind(1, record.newState.rawValue)
            update.bind(2, record.reason?.rawValue)
            update.bind(3, record.nextAttempt?.millis)
            update.bind(4, record.error)
            update.bind(5, finished)
            update.bind(6, record.delivery.id)
            let moved = try update.run(db)
            // A row no longer `sending` was moved meanwhile (the start's recovery): its verdict
            // is ignored whole, the attempt and a 410's disabling with it (the store's contract).
            guard moved > 0 else { continue }
            attempt.bind(1, record.finishedAt.millis)
            attempt.bind(2, record.outcome.name)
            attempt.bind(3, record.outcome.detail)
            attempt.bind(4, record.delivery.id)
            attempt.bind(5, record.delivery.attempts)
            try attempt.run(db)
            woken += try SendingRules.recorded(record, moved: moved, into: &moves, SQLiteSendingSteps(db: db))
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
    package func earliestPending() throws -> Date? {
        try writer.read { db in
            try Int64.fetchOne(
                db,
                sql: "SELECT MIN(next_attempt_at) FROM delivery WHERE state IN ('scheduled', 'retrying')"
            ).map(Date.init(millis:))
        }
    }
}

extension AppDatabase {
    /// Records a test message for a subscription as `sending`, about its next concert (or its
    /// latest one when none is upcoming), and returns it ready to send.
    public func createTestDelivery(subscriptionID: String, now: Date) throws -> ClaimedDelivery {
        try writer.write { db in
            let (subscription, concert) = try SendingRules.testMessage(
                subscriptionID: subscriptionID, now: now, SQLiteSendingSteps(db: db))
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
            // Made `sending`: claimed as it is made, never pending.
            return ClaimedDelivery(PendingDelivery(delivery: delivery, subscription: subscription), claimedAs: delivery)
        }
    }
}

/// The SQLite store's steps of the sending rules, inside one write transaction.
private struct SQLiteSendingSteps: SendingSteps {
    let db: Database

    func twin(of due: PendingDelivery) throws -> DeliveryTwin {
        try AppDatabase.twin(of: due, db)
    }

    func wakeTwins(of record: DeliveryRecord) throws -> Int {
        try AppDatabase.wakeTwins(of: record, db)
    }

    func skip(_ delivery: Delivery, _ reason: Delivery.SkipReason, now: Date) throws {
        let statement = try BoundStatement(
            db,
            cached: """
                UPDATE delivery SET state = 'skipped', reason = ?, next_attempt_at = NULL, finished_at = ?
                WHERE id = ? AND state IN ('scheduled', 'retrying')
                """)
        statement.bind(1, reason.rawValue)
        statement.bind(2, now.millis)
        statement.bind(3, delivery.id)
        try statement.run(db)
    }

    func putOff(_ delivery: Delivery, until: Date) throws {
        let statement = try BoundStatement(
            db, cached: "UPDATE delivery SET next_attempt_at = ? WHERE id = ? AND state IN ('scheduled', 'retrying')")
        statement.bind(1, until.millis)
        statement.bind(2, delivery.id)
        try statement.run(db)
    }

    func disable(subscriptionID: String, reason: String, now: Date) throws {
        try db.execute(
            sql: """
                UPDATE subscription SET state = 'disabled', state_reason = ?, updated_at = ?
                WHERE id = ? AND state = 'active'
                """,
            arguments: [reason, now.millis, subscriptionID])
    }

    func skipPending(subscriptionID: String, reason: Delivery.SkipReason, now: Date) throws {
        try AppDatabase.skipPending(db, subscriptionID: subscriptionID, reason: reason, now: now)
    }

    func subscription(id: String) throws -> Subscription? {
        try AppDatabase.subscription(db, id: id)
    }

    func storedConcerts(inCities cities: [String]) throws -> [StoredConcert] {
        try AppDatabase.storedConcerts(db, inCities: cities)
    }
}
