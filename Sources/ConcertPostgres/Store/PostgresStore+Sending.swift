import ConcertCore
import Foundation

/// The outbox as the scheduler sends from it (``SendingStore``), shared by several instances.
///
/// A claim takes the due rows with `FOR UPDATE SKIP LOCKED`, so two instances claiming at once
/// each get rows the other did not lock, never the same one; a claimed row records the instance
/// that holds it (`claimed_by`) and a lease (`lease_expires_at`, on the server's clock). A verdict
/// is written only by the instance that still holds the row. An instance that dies holds its rows
/// until their leases expire; ``reclaimExpiredLeases()`` (run by any instance) then puts them
/// back on the queue, due at once: at-least-once delivery, repeats bounded by what the dead
/// instance had in flight, each with its row's idempotency key.
extension PostgresStore {
    /// Rows this instance held when it stopped (the same `instance_name`), and rows whose lease
    /// expired whoever held them, go back to the queue, due now. Returns how many.
    public func recoverInterruptedSends(now: Date) throws -> Int {
        try pool.withConnection { connection in
            try connection.transaction {
                try Self.requeue(
                    connection, where: "claimed_by = $2 OR lease_expires_at < now()", [.text(instanceName)], now: now)
            }
        }
    }

    /// Rows whose lease expired (their instance died or lost the database for longer than the
    /// lease) go back to the queue, due now. Returns how many. Safe to run from every instance at
    /// once: each row is taken back by one.
    public func reclaimExpiredLeases(now: Date) throws -> Int {
        try pool.withConnection { connection in
            try connection.transaction {
                try Self.requeue(connection, where: "lease_expires_at < now()", [], now: now)
            }
        }
    }

    /// Puts the `sending` rows matching `condition` back: `retrying` when an earlier attempt was
    /// made, `scheduled` otherwise, due at `now`; their open attempts end as interrupted.
    private static func requeue(
        _ connection: PostgresConnection, where condition: String, _ parameters: [PostgresValue], now: Date
    ) throws -> Int {
        let rows = try connection.query(
            """
            WITH taken AS (
                SELECT id FROM delivery WHERE state = 'sending' AND (\(condition)) FOR UPDATE SKIP LOCKED
            )
            UPDATE delivery d SET state = CASE WHEN d.attempts > 1 THEN 'retrying' ELSE 'scheduled' END,
                next_attempt_at = $1, claimed_by = NULL, lease_expires_at = NULL
            FROM taken WHERE d.id = taken.id
            RETURNING d.id, d.state
            """, [.integer(now.millis)] + parameters)
        guard rows.count > 0 else { return 0 }
        var moves = StateMoveCounts()
        for row in 0..<rows.count {
            moves.left(to: rows.text(row, 1) == "retrying" ? .retrying : .scheduled, count: 1)
            try connection.query(
                """
                UPDATE attempt SET finished_at = $1, outcome = 'interrupted',
                    detail = 'the instance holding it stopped, or its lease expired, before the reply was recorded'
                WHERE delivery_id = $2 AND finished_at IS NULL
                """, [.integer(now.millis), .integer(rows.int64(row, 0))])
        }
        try moves.count(connection)
        return rows.count
    }

    public func supersedeStaleReminders(after: Date, upTo now: Date) throws -> (skipped: Int, nextDue: Date?) {
        try pool.withConnection { connection in
            try connection.transaction {
                let first = try connection.query(
                    """
                    UPDATE delivery SET state = 'skipped', reason = 'superseded', next_attempt_at = NULL, finished_at = $1
                    WHERE state IN ('scheduled', 'retrying') AND next_attempt_at > $2 AND next_attempt_at <= $1
                        AND kind = 'reminder' AND EXISTS (
                            SELECT 1 FROM delivery later
                            WHERE later.subscription_id = delivery.subscription_id
                                AND later.concert_id = delivery.concert_id AND later.kind = 'reminder'
                                AND later.state IN ('scheduled', 'retrying')
                                AND later.next_attempt_at > $2 AND later.next_attempt_at <= $1
                                AND (later.due_at > delivery.due_at
                                    OR (later.due_at = delivery.due_at AND later.id > delivery.id)))
                    """, [.integer(now.millis), .integer(after.millis)])
                let second = try connection.query(
                    """
                    UPDATE delivery SET state = 'skipped', reason = 'superseded', next_attempt_at = NULL, finished_at = $1
                    WHERE state = 'retrying' AND kind = 'reminder' AND EXISTS (
                        SELECT 1 FROM delivery later
                        WHERE later.subscription_id = delivery.subscription_id
                            AND later.concert_id = delivery.concert_id AND later.kind = 'reminder'
                            AND later.due_at > delivery.due_at AND later.due_at <= $1 AND later.state <> 'skipped')
                    """, [.integer(now.millis)])
                return (first.changes + second.changes, try Self.nextDue(connection, after: now))
            }
        }
    }

    public func dueDeliveries(now: Date, limit: Int, excluding destinations: Set<String>) throws
        -> [PendingDelivery]
    {
        try pool.withConnection { connection in
            var sql = """
                \(PendingDelivery.select)
                WHERE d.state IN ('scheduled', 'retrying') AND d.next_attempt_at <= $1
                """
            let excluded = destinations.sorted()
            if !excluded.isEmpty {
                let marks = (0..<excluded.count).map { "$\($0 + 3)" }.joined(separator: ", ")
                sql += " AND s.destination NOT IN (\(marks))"
            }
            sql += " ORDER BY d.next_attempt_at, d.id LIMIT $2"
            let rows = try connection.query(
                sql, [.integer(now.millis), .integer(Int64(max(0, limit)))] + excluded.map { .text($0) })
            return rows.map { PendingDelivery(columns: PostgresRow(rows: rows, index: $0)) }
        }
    }

    public func claim(
        _ due: [PendingDelivery], skipping skips: [(Delivery, Delivery.SkipReason)],
        recording records: [DeliveryRecord], now: Date
    ) throws -> (sending: [ClaimedDelivery], putOffUntil: Date?, woke: Bool, duplicates: [PendingDelivery]) {
        if skips.isEmpty && Self.followsNoRule(due, records) {
            return try pool.withConnection { connection in
                (try round(recording: records, claiming: due, connection, now: now), nil, false, [])
            }
        }
        return try pool.withConnection { connection in
            try connection.transaction {
                let woken = try record(records, connection)
                let batch = ClaimedInBatch()
                let steps = PostgresSendingSteps(connection: connection, batch: batch)
                for (delivery, reason) in skips { try steps.skip(delivery, reason, now: now) }
                // The rows still pending that no other instance is claiming right now: each is
                // locked until this transaction ends, and one locked elsewhere is left to its claimer.
                let ids = due.map { String($0.delivery.id) }.joined(separator: ",")
                let lockedRows = try connection.query(
                    """
                    SELECT id, state FROM delivery
                    WHERE id = ANY($1::bigint[]) AND state IN ('scheduled', 'retrying')
                    FOR UPDATE SKIP LOCKED
                    """, [.text("{\(ids)}")])
                var held: [Int64: Delivery.State] = [:]
                for row in 0..<lockedRows.count {
                    held[lockedRows.int64(row, 0)] = lockedRows.text(row, 1) == "retrying" ? .retrying : .scheduled
                }
                var moves = StateMoveCounts()
                var claiming: [PendingDelivery] = []
                let (putOffUntil, duplicates) = try SendingRules.claim(
                    due.filter { held[$0.delivery.id] != nil }, now: now, steps
                ) { item in
                    moves.entered(from: held[item.delivery.id] ?? .scheduled)
                    claiming.append(item)
                    batch.add(item)
                }
                // All the rows claimed, and their attempts, in one statement.
                let claimed = try connection.query(
                    """
                    WITH claimed AS (
                        UPDATE delivery SET state = 'sending', attempts = attempts + 1, claimed_by = $2,
                            lease_expires_at = now() + make_interval(secs => $3)
                        WHERE id = ANY($1::bigint[]) RETURNING id, attempts
                    ), started AS (
                        INSERT INTO attempt (delivery_id, number, started_at, outcome, instance)
                        SELECT id, attempts, $4, 'sending', $2 FROM claimed
                    )
                    SELECT id, attempts FROM claimed
                    """,
                    [
                        .array(claiming.map { $0.delivery.id }), .text(instanceName), .integer(Int64(leaseSeconds)),
                        .integer(now.millis),
                    ])
                var attempts: [Int64: Int] = [:]
                for row in 0..<claimed.count { attempts[claimed.int64(row, 0)] = claimed.int(row, 1) }
                let sending = claiming.map { item in
                    var row = item.delivery
                    row.attempts = attempts[row.id] ?? row.attempts + 1
                    row.state = .sending
                    return ClaimedDelivery(item, claimedAs: row)
                }
                try moves.count(connection)
                return (sending, putOffUntil, woken > 0, duplicates)
            }
        }
    }

    @discardableResult
    public func record(_ records: [DeliveryRecord]) throws -> Int {
        guard !records.isEmpty else { return 0 }
        if Self.followsNoRule([], records) {
            return try pool.withConnection { connection in
                _ = try round(recording: records, connection)
                return 0
            }
        }
        return try pool.withConnection { connection in
            try connection.transaction { try record(records, connection) }
        }
    }

    /// Whether no claim of `due` and no verdict of `records` calls for a rule of ``SendingRules``
    /// beyond the moves themselves: no row can have a twin (its target is subscribed once), and no
    /// verdict wakes twins or disables a subscription. Then ``round(recording:claiming:_:now:)``
    /// writes them all in one statement.
    private static func followsNoRule(_ due: [PendingDelivery], _ records: [DeliveryRecord]) -> Bool {
        !due.contains(where: DeliveryTwin.mayExist(for:))
            && !records.contains { DeliveryTwin.verdictWakes($0) || $0.disablesSubscription != nil }
    }

    /// A round of the scheduler in one statement, and so one transaction and one round trip: the
    /// verdicts of rows this instance still holds written with their attempts, the `due` rows no
    /// other instance is claiming right now locked (`FOR UPDATE SKIP LOCKED`) and claimed with a
    /// lease and an attempt row, and the counters of both moved. Only for rows that follow no
    /// rule (``followsNoRule(_:_:)``); the others go through ``SendingRules`` in a transaction.
    ///
    /// A row the verdicts move is `sending` in the statement's snapshot, so the claim never takes
    /// it in the same statement.
    private func round(
        recording records: [DeliveryRecord], claiming due: [PendingDelivery] = [], _ connection: PostgresConnection,
        now: Date? = nil
    ) throws -> [ClaimedDelivery] {
        let claimed = try connection.query(
            Self.writingVerdicts(returning: "d.id, v.state, v.finished_counter") + """
                , locked AS (
                    SELECT id, state FROM delivery
                    WHERE id = ANY($13::bigint[]) AND state IN ('scheduled', 'retrying')
                    FOR UPDATE SKIP LOCKED
                ), claimed AS (
                    UPDATE delivery d SET state = 'sending', attempts = d.attempts + 1, claimed_by = $12,
                        lease_expires_at = now() + make_interval(secs => $14)
                    FROM locked WHERE d.id = locked.id
                    RETURNING d.id, d.attempts, locked.state AS was
                ), started AS (
                    INSERT INTO attempt (delivery_id, number, started_at, outcome, instance)
                    SELECT id, attempts, $15, 'sending', $12 FROM claimed
                ), moves (name, delta) AS (
                    SELECT 'delivery.sending', -1 FROM moved WHERE state <> 'sending'
                    UNION ALL SELECT 'delivery.' || state, 1 FROM moved WHERE state <> 'sending'
                    UNION ALL SELECT finished_counter, 1 FROM moved WHERE finished_counter IS NOT NULL
                    UNION ALL SELECT 'delivery.' || was, -1 FROM claimed
                    UNION ALL SELECT 'delivery.sending', 1 FROM claimed
                ), counted AS (
                    INSERT INTO counter (name, instance, value)
                    SELECT name, COALESCE(NULLIF(current_setting('concertd.instance', true), ''), '-'), sum(delta)
                    FROM moves GROUP BY name HAVING sum(delta) <> 0 ORDER BY name
                    ON CONFLICT (name, instance) DO UPDATE SET value = counter.value + EXCLUDED.value
                )
                SELECT id, attempts FROM claimed
                """,
            Self.verdictParameters(records) + [
                .text(instanceName), .array(due.map { $0.delivery.id }), .integer(Int64(leaseSeconds)),
                .integer(now?.millis),
            ])
        var attempts: [Int64: Int] = [:]
        for row in 0..<claimed.count { attempts[claimed.int64(row, 0)] = claimed.int(row, 1) }
        return due.compactMap { item in
            guard let number = attempts[item.delivery.id] else { return nil }
            var row = item.delivery
            row.attempts = number
            row.state = .sending
            return ClaimedDelivery(item, claimedAs: row)
        }
    }

    /// The start of a statement writing a round's verdicts (`$1`…`$11`, ``verdictParameters(_:)``)
    /// for the rows instance `$12` still holds: the `verdict`, `moved` (what it returns named by
    /// `returning`) and `attempted` parts, ready for a `,` and more parts or a final `SELECT`.
    private static func writingVerdicts(returning: String) -> String {
        """
            WITH verdict AS (
                SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::bigint[],
                    $7::bigint[], $8::bigint[], $9::text[], $10::text[], $11::text[])
                AS v(id, state, reason, next_attempt_at, last_error, finished_at, attempt, attempt_finished_at,
                    outcome, detail, finished_counter)
            ), moved AS (
                UPDATE delivery d SET state = v.state, reason = v.reason, next_attempt_at = v.next_attempt_at,
                    last_error = v.last_error, finished_at = v.finished_at, claimed_by = NULL, lease_expires_at = NULL
                FROM verdict v WHERE d.id = v.id AND d.state = 'sending' AND d.claimed_by = $12
                RETURNING \(returning)
            ), attempted AS (
                UPDATE attempt a SET finished_at = v.attempt_finished_at, outcome = v.outcome, detail = v.detail
                FROM verdict v JOIN moved ON moved.id = v.id
                WHERE a.delivery_id = v.id AND a.number = v.attempt
            )
        """
    }

    /// The verdicts as the arrays `$1`…`$11` of ``round(recording:claiming:_:now:)`` unnests: the
    /// row, its new state and what goes with it, the attempt's end, and the finished total a final
    /// state counts in (``FinishedDeliveryCount``).
    private static func verdictParameters(_ records: [DeliveryRecord]) -> [PostgresValue] {
        [
            .array(records.map { $0.delivery.id }), .array(records.map { $0.newState.rawValue }),
            .array(records.map { $0.reason?.rawValue }), .array(records.map { $0.nextAttempt?.millis }),
            .array(records.map(\.error)),
            .array(records.map { $0.newState.isFinal ? $0.finishedAt.millis : nil }),
            .array(records.map { Int64($0.delivery.attempts) }), .array(records.map { $0.finishedAt.millis }),
            .array(records.map(\.outcome.name)), .array(records.map(\.outcome.detail)),
            .array(
                records.map { record -> String? in
                    guard record.newState.isFinal else { return nil }
                    return FinishedDeliveryCount.counterName(
                        state: record.newState, kind: record.delivery.kind,
                        channel: record.subscription.channel.metricsName)
                }),
        ]
    }

    /// Writes verdicts of rows this instance still holds; a row whose lease expired and that
    /// another instance took back is left to that instance (its verdict is the one that counts).
    private func record(_ records: [DeliveryRecord], _ connection: PostgresConnection) throws -> Int {
        guard !records.isEmpty else { return 0 }
        // A 410 disables a subscription and skips its pending rows: a planning change, taken
        // before any row lock, as every planning transaction takes it.
        if records.contains(where: { $0.disablesSubscription != nil }) {
            try Self.lockPlanning(connection)
        }
        // Every row and its attempt in one statement; what only some verdicts do follows per row.
        let moved = try connection.query(
            Self.writingVerdicts(returning: "d.id") + """

                SELECT id FROM moved
                """, Self.verdictParameters(records) + [.text(instanceName)])
        var movedIDs = Set<Int64>()
        for row in 0..<moved.count { movedIDs.insert(moved.int64(row, 0)) }
        var woken = 0
        var moves = StateMoveCounts()
        for record in records where movedIDs.contains(record.delivery.id) {
            woken += try SendingRules.recorded(
                record, moved: 1, into: &moves, PostgresSendingSteps(connection: connection))
        }
        try moves.count(connection)
        return woken
    }

    public func nextDue(after now: Date) throws -> Date? {
        try pool.withConnection { connection in try Self.nextDue(connection, after: now) }
    }

    static func nextDue(_ connection: PostgresConnection, after now: Date) throws -> Date? {
        let rows = try connection.query(
            "SELECT MIN(next_attempt_at) FROM delivery WHERE state IN ('scheduled', 'retrying') AND next_attempt_at > $1",
            [.integer(now.millis)])
        return rows.optionalInt64(0, 0).map(Date.init(millis:))
    }

    public func createTestDelivery(subscriptionID: String, now: Date) throws -> ClaimedDelivery {
        try pool.withConnection { connection in
            try connection.transaction {
                let (subscription, concert) = try SendingRules.testMessage(
                    subscriptionID: subscriptionID, now: now, PostgresSendingSteps(connection: connection))
                let inserted = try connection.query(
                    """
                    INSERT INTO delivery (subscription_id, concert_id, concert_revision, kind, offset_seconds, due_at,
                        state, attempts, created_at, claimed_by, lease_expires_at)
                    VALUES ($1, $2, $3, 'test', 0, $4, 'sending', 1, $4, $5, now() + make_interval(secs => $6))
                    RETURNING \(Delivery.columnNames.joined(separator: ", "))
                    """,
                    [
                        .text(subscriptionID), .text(concert.concert.id), .integer(Int64(concert.revision)),
                        .integer(now.millis), .text(instanceName), .integer(Int64(leaseSeconds)),
                    ])
                let delivery = Delivery(columnsOf: PostgresRow(rows: inserted, index: 0))
                try connection.query("SELECT concertd_count('delivery.sending', 1)")
                try connection.query(
                    """
                    INSERT INTO attempt (delivery_id, number, started_at, outcome, instance)
                    VALUES ($1, 1, $2, 'sending', $3)
                    """, [.integer(delivery.id), .integer(now.millis), .text(instanceName)])
                return ClaimedDelivery(
                    PendingDelivery(delivery: delivery, subscription: subscription), claimedAs: delivery)
            }
        }
    }
}

/// PostgreSQL's steps of the sending rules, inside one transaction.
private struct PostgresSendingSteps: SendingSteps {
    let connection: PostgresConnection
    /// The rows the claim in progress has taken so far (none outside a claim).
    var batch: ClaimedInBatch? = nil

    func twin(of due: PendingDelivery) throws -> DeliveryTwin {
        try PostgresStore.twin(of: due, connection, claimedBefore: batch)
    }

    func wakeTwins(of record: DeliveryRecord) throws -> Int {
        try PostgresStore.wakeTwins(of: record, connection)
    }

    func skip(_ delivery: Delivery, _ reason: Delivery.SkipReason, now: Date) throws {
        try connection.query(
            """
            UPDATE delivery SET state = 'skipped', reason = $1, next_attempt_at = NULL, finished_at = $2
            WHERE id = $3 AND state IN ('scheduled', 'retrying')
            """, [.text(reason.rawValue), .integer(now.millis), .integer(delivery.id)])
    }

    func putOff(_ delivery: Delivery, until: Date) throws {
        try connection.query(
            "UPDATE delivery SET next_attempt_at = $1 WHERE id = $2", [.integer(until.millis), .integer(delivery.id)])
    }

    func disable(subscriptionID: String, reason: String, now: Date) throws {
        try connection.query(
            """
            UPDATE subscription SET state = 'disabled', state_reason = $1, updated_at = $2
            WHERE id = $3 AND state = 'active'
            """, [.text(reason), .integer(now.millis), .text(subscriptionID)])
    }

    func skipPending(subscriptionID: String, reason: Delivery.SkipReason, now: Date) throws {
        try PostgresStore.skipPending(connection, subscriptionID: subscriptionID, reason: reason, now: now)
    }

    func subscription(id: String) throws -> Subscription? {
        try PostgresStore.subscriptionRow(connection, id: id)
    }

    func storedConcerts(inCities cities: [String]) throws -> [StoredConcert] {
        try PostgresStore.storedConcerts(connection, inCities: cities)
    }
}
