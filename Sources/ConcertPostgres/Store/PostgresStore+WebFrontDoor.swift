import ConcertCore
import Foundation

/// The web front door's requests, token keys, rate-limit counts and undo records on PostgreSQL
/// (``WebFrontDoorStore``),
/// shared by every instance on the database: a request kept through one instance is confirmed
/// through another, every instance signs with the same key, and a limit counts the requests made
/// through all of them.
///
/// What two instances could do at once is kept serial: the token keys under a table lock (one
/// signing key however many instances rotate together), the rate counts by incrementing first
/// under the counts' row locks and refusing when a count went past its limit (so two requests
/// never both take the last place), and every subscription made, changed or removed under the
/// planning lock, one made under its target's lock too (the lock order of ``PostgresStore``).
extension PostgresStore {
    public func webTokenKeys(now: Date, rotation: TokenKeyRotation, candidate: TokenKey) throws -> [TokenKey] {
        try pool.withConnection { connection in
            try connection.transaction {
                // Instances rotating together take turns: the second finds the first one's key.
                try connection.execute("LOCK TABLE web_token_key IN SHARE ROW EXCLUSIVE MODE")
                let rows = try connection.query(
                    "SELECT id, secret, created_at FROM web_token_key ORDER BY created_at DESC, id")
                var keys = rows.map { row in
                    TokenKey(
                        id: UInt32(truncatingIfNeeded: rows.int64(row, 0)), secret: Array(rows.bytes(row, 1)),
                        created: Date(millis: rows.int64(row, 2)))
                }
                let forgotten = keys.filter { !rotation.verifies($0, now: now) }
                if !forgotten.isEmpty {
                    try connection.query(
                        "DELETE FROM web_token_key WHERE id = ANY($1::bigint[])",
                        [.array(forgotten.map { Int64($0.id) })])
                }
                keys.removeAll { !rotation.verifies($0, now: now) }
                if keys.first.map({ !rotation.signs($0, now: now) }) ?? true,
                    !keys.contains(where: { $0.id == candidate.id })
                {
                    try connection.query(
                        "INSERT INTO web_token_key (id, secret, created_at) VALUES ($1, $2, $3)",
                        [
                            .integer(Int64(candidate.id)), .bytes(Data(candidate.secret)),
                            .integer(candidate.created.millis),
                        ])
                    keys.insert(candidate, at: 0)
                }
                return keys
            }
        }
    }

    public func requestWebSubscription(
        _ request: PendingWebRequest, limits: [WebRateLimit], now: Date
    ) throws -> WebRequestOutcome {
        try pool.withConnection { connection in
            try connection.transaction {
                try connection.query("DELETE FROM web_request WHERE expires_at <= $1", [.integer(now.millis)])
                try connection.query("DELETE FROM web_rate_count WHERE window_end <= $1", [.integer(now.millis)])
                if !limits.isEmpty {
                    let ends = limits.map { limit in
                        let window = max(1, Int64(limit.window.components.seconds) * 1000)
                        return (now.millis / window + 1) * window
                    }
                    // Every count raised in one statement, in key order (two requests raising the
                    // same counts lock them in the same order), each row locked until the commit.
                    // A limit is reached when its count before this request was at its limit:
                    // then the increments are rolled back and nothing is kept.
                    try connection.execute("SAVEPOINT counting")
                    let counted = try connection.query(
                        """
                        INSERT INTO web_rate_count (key, window_end, count)
                        SELECT key, window_end, COUNT(*) FROM unnest($1::text[], $2::bigint[]) AS l(key, window_end)
                        GROUP BY key, window_end ORDER BY key, window_end
                        ON CONFLICT (key, window_end) DO UPDATE SET count = web_rate_count.count + EXCLUDED.count
                        RETURNING key, window_end, count
                        """, [.array(limits.map(\.key)), .array(ends)])
                    var after: [String: Int] = [:]
                    for row in 0..<counted.count {
                        after["\(counted.int64(row, 1)) \(counted.text(row, 0))"] = counted.int(row, 2)
                    }
                    var raised: [String: Int] = [:]
                    for (limit, end) in zip(limits, ends) { raised["\(end) \(limit.key)", default: 0] += 1 }
                    for (limit, end) in zip(limits, ends) {
                        let name = "\(end) \(limit.key)"
                        guard (after[name] ?? 0) - (raised[name] ?? 0) >= limit.limit else { continue }
                        try connection.execute("ROLLBACK TO SAVEPOINT counting")
                        return .limited(retryAfter: .milliseconds(end - now.millis))
                    }
                    try connection.execute("RELEASE SAVEPOINT counting")
                }
                let new = request.subscription
                try connection.query(
                    """
                    INSERT INTO web_request (id, channel, target, format, cities, offsets, lang, created_at, expires_at)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                    """,
                    [
                        .text(request.id), .text(new.channel.channelKind), .text(new.channel.target),
                        .text(Self.format(of: new.channel)), .text(new.cities.joined(separator: ",")),
                        .text(new.offsets.map { String($0.seconds) }.joined(separator: ",")),
                        .text(new.language.rawValue), .integer(now.millis), .integer(request.expires.millis),
                    ])
                return .kept
            }
        }
    }

    public func confirmWebSubscription(requestID: String, confirm: Bool, now: Date) throws -> WebConfirmOutcome {
        try planning { connection in
            let rows = try connection.query(
                """
                SELECT channel, target, format, cities, offsets, lang, expires_at, subscription_id
                FROM web_request WHERE id = $1
                """, [.text(requestID)])
            guard rows.count == 1 else { return .notFound }
            if let confirmed = rows.optionalText(0, 7) { return .alreadyConfirmed(subscriptionID: confirmed) }
            guard rows.int64(0, 6) > now.millis else { return .expired }
            let new = Self.webRequest(rows)
            try Self.lockTarget(connection, of: new.channel)
            let id = try WebSubscriptionRule.confirm(
                new, confirm: confirm, now: now, PostgresSubscriptionSteps(connection: connection))
            try connection.query(
                "UPDATE web_request SET subscription_id = $1 WHERE id = $2", [.text(id), .text(requestID)])
            return .confirmed(subscriptionID: id)
        }
    }

    @discardableResult
    public func changeSubscription(
        id: String, cities: [String], offsets: [ReminderOffset], language: Language, now: Date
    ) throws -> Subscription {
        try planning { connection in
            try WebSubscriptionRule.change(
                id: id, cities: cities, offsets: offsets, language: language, now: now,
                PostgresSubscriptionSteps(connection: connection))
        }
    }

    public func undoRemoval(subscriptionID id: String, now: Date) throws -> WebUndoOutcome {
        try planning { connection in
            guard let removed = try Self.subscriptionRow(connection, id: id) else { return .notFound }
            guard removed.state == .removed else { return .notRemoved }
            let undone = try connection.query("SELECT restored_id FROM web_undo WHERE removed_id = $1", [.text(id)])
            if undone.count == 1 { return .alreadyRestored(subscriptionID: undone.text(0, 0)) }
            try Self.lockTarget(connection, of: removed.channel)
            let restoredID = try WebSubscriptionRule.restore(
                removed, now: now, PostgresSubscriptionSteps(connection: connection))
            try connection.query(
                "INSERT INTO web_undo (removed_id, restored_id) VALUES ($1, $2)", [.text(id), .text(restoredID)])
            return .restored(subscriptionID: restoredID)
        }
    }

    /// The undo records followed in one statement. Each step goes from a removed subscription to a
    /// new or active one, so the chain has no loop; `CYCLE` only guards against a hand-edited table
    /// (the walk stops before an id it has seen, as the SQLite store's does).
    public func liveSubscriptionID(from id: String) throws -> String? {
        try pool.withConnection { connection in
            let rows = try connection.query(
                """
                WITH RECURSIVE chain (id, depth) AS (
                    SELECT id, 0 FROM subscription WHERE id = $1
                    UNION ALL
                    SELECT u.restored_id, chain.depth + 1 FROM web_undo u JOIN chain ON u.removed_id = chain.id
                ) CYCLE id SET looped USING path
                SELECT id FROM chain WHERE NOT looped ORDER BY depth DESC LIMIT 1
                """, [.text(id)])
            return rows.count == 1 ? rows.text(0, 0) : nil
        }
    }

    public func subscriptionSources(ids: [String]) throws -> [String: Subscription.Source] {
        guard !ids.isEmpty else { return [:] }
        return try pool.withConnection { connection in
            let rows = try connection.query(
                "SELECT id, source FROM subscription WHERE id = ANY($1::text[])", [.array(ids)])
            var sources: [String: Subscription.Source] = [:]
            for row in 0..<rows.count {
                sources[rows.text(row, 0)] = Subscription.Source(rawValue: rows.text(row, 1)) ?? .unknown
            }
            return sources
        }
    }

    public func webRequest(id: String) throws -> NewSubscription? {
        try pool.withConnection { connection in
            let rows = try connection.query(
                "SELECT channel, target, format, cities, offsets, lang FROM web_request WHERE id = $1", [.text(id)])
            return rows.count == 1 ? Self.webRequest(rows) : nil
        }
    }

    public func pendingWebRequestCount(now: Date) throws -> Int {
        try pool.withConnection { connection in
            try connection.query(
                "SELECT COUNT(*) FROM web_request WHERE subscription_id IS NULL AND expires_at > $1",
                [.integer(now.millis)]
            ).int(0, 0)
        }
    }

    /// All the removals in one transaction and, as far as possible, in three statements: the
    /// subscriptions read, those not removed marked removed, and their pending rows skipped. An id
    /// named twice is removed once and answered `alreadyRemoved` the second time. If the batch
    /// fails, each id is removed again in a savepoint of its own, so that one that fails is
    /// answered with its error and the others' removals stand.
    public func removeSubscriptions(
        ids: [String], reason: String, now: Date
    ) throws -> [Result<WebRemovalOutcome, any Error>] {
        guard !ids.isEmpty else { return [] }
        return try planning { connection -> [Result<WebRemovalOutcome, any Error>] in
            do {
                try connection.execute("SAVEPOINT removals")
                let outcomes = try Self.remove(connection, ids: ids, reason: reason, now: now)
                try connection.execute("RELEASE SAVEPOINT removals")
                return outcomes.map { .success($0) }
            } catch let error as PostgresError where error.kind == .connectionLost {
                throw error
            } catch {
                try connection.execute("ROLLBACK TO SAVEPOINT removals")
            }
            return try ids.map { id -> Result<WebRemovalOutcome, any Error> in
                try connection.execute("SAVEPOINT removal")
                do {
                    let outcome = try Self.remove(connection, ids: [id], reason: reason, now: now)[0]
                    try connection.execute("RELEASE SAVEPOINT removal")
                    return .success(outcome)
                } catch let error as PostgresError where error.kind == .connectionLost {
                    throw error
                } catch {
                    try connection.execute("ROLLBACK TO SAVEPOINT removal")
                    return .failure(error)
                }
            }
        }
    }
}

extension PostgresStore {
    /// Removes the subscriptions `ids` that are not removed, skipping their pending rows with
    /// `reason`; answers each id in order.
    private static func remove(_ connection: PostgresConnection, ids: [String], reason: String, now: Date) throws
        -> [WebRemovalOutcome]
    {
        let found = try connection.query(
            "SELECT id, state, lang FROM subscription WHERE id = ANY($1::text[]) FOR UPDATE", [.array(ids)])
        var stored: [String: (removed: Bool, language: Language)] = [:]
        for row in 0..<found.count {
            stored[found.text(row, 0)] = (
                found.text(row, 1) == Subscription.State.removed.rawValue,
                Language(rawValue: found.text(row, 2)) ?? .ko
            )
        }
        var outcomes: [WebRemovalOutcome] = []
        var removing: [String] = []
        for id in ids {
            guard let subscription = stored[id] else {
                outcomes.append(.notFound)
                continue
            }
            if subscription.removed {
                outcomes.append(.alreadyRemoved(language: subscription.language))
            } else {
                outcomes.append(.removed(language: subscription.language))
                removing.append(id)
                stored[id]?.removed = true
            }
        }
        guard !removing.isEmpty else { return outcomes }
        try connection.query(
            """
            UPDATE subscription SET state = 'removed', state_reason = $1, updated_at = $2
            WHERE id = ANY($3::text[]) AND state <> 'removed'
            """, [.text(reason), .integer(now.millis), .array(removing)])
        try connection.query(
            """
            UPDATE delivery SET state = 'skipped', reason = $1, next_attempt_at = NULL, finished_at = $2
            WHERE subscription_id = ANY($3::text[]) AND state IN ('scheduled', 'retrying')
            """,
            [.text(Delivery.SkipReason.removed.rawValue), .integer(now.millis), .array(removing)])
        return outcomes
    }

    /// The request the first row of `rows` holds, its first columns being `web_request`'s
    /// (channel, target, format, cities, offsets, lang).
    private static func webRequest(_ rows: PostgresRows) -> NewSubscription {
        let target = rows.text(0, 1)
        let channel: ChannelAddress =
            rows.text(0, 0) == "email"
            ? .email(target) : .webhook(url: target, format: rows.optionalText(0, 2) ?? "generic", secret: nil)
        return NewSubscription(
            channel: channel, cities: rows.text(0, 3).split(separator: ",").map(String.init),
            offsets: rows.text(0, 4).split(separator: ",").compactMap { Int($0) }.map(ReminderOffset.init),
            language: Language(rawValue: rows.text(0, 5)) ?? .ko)
    }

    /// The oldest subscription made on the web and not removed whose address (in any case) or
    /// webhook URL is `channel`'s, if any. Subscriptions an operator made are not looked at.
    ///
    /// The store keeps an address lowercased (``ChannelAddress/target``); a row kept otherwise
    /// matches in any case of its ASCII letters, as SQLite's `lower` folds them.
    fileprivate static func liveWebSubscriptionID(_ connection: PostgresConnection, of channel: ChannelAddress) throws
        -> String?
    {
        // Under the "C" collation `lower` folds A-Z alone, whatever the database's locale.
        let sameTarget: String
        switch channel {
        case .email: sameTarget = #"lower(target COLLATE "C") = lower($2 COLLATE "C")"#
        case .webhook: sameTarget = "target = $2"
        }
        let rows = try connection.query(
            """
            SELECT id FROM subscription
            WHERE channel = $1 AND \(sameTarget) AND source = 'web' AND state <> 'removed'
            ORDER BY created_at, id COLLATE "C" LIMIT 1
            """, [.text(channel.channelKind), .text(channel.target)])
        return rows.count == 1 ? rows.text(0, 0) : nil
    }
}

/// The web front door rule's own steps (``WebSubscriptionRule``) in PostgreSQL's SQL; the caller's
/// transaction holds the target's lock.
extension PostgresSubscriptionSteps: WebSubscriptionSteps {
    func liveWebSubscriptionID(of channel: ChannelAddress) throws -> String? {
        try PostgresStore.liveWebSubscriptionID(connection, of: channel)
    }

    func sameSubscriptionID(as new: NewSubscription) throws -> String? {
        try PostgresStore.sameSubscriptionID(connection, as: new)
    }

    func writeSettings(of subscription: Subscription, now: Date) throws {
        try connection.query(
            "UPDATE subscription SET cities = $1, offsets = $2, lang = $3, updated_at = $4 WHERE id = $5",
            [
                .text(subscription.cities.joined(separator: ",")),
                .text(subscription.offsets.map { String($0.seconds) }.joined(separator: ",")),
                .text(subscription.language.rawValue), .integer(now.millis), .text(subscription.id),
            ])
        try PostgresStore.setCities(connection, ofSubscription: subscription.id, subscription.cities)
    }

    func writeFormat(_ format: String, id: String) throws {
        try connection.query("UPDATE subscription SET format = $1 WHERE id = $2", [.text(format), .text(id)])
    }
}
