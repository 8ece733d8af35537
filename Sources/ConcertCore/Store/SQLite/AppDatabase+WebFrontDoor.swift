import Foundation
import GRDB

extension AppDatabase {
    public func webTokenKeys(now: Date, rotation: TokenKeyRotation, candidate: TokenKey) throws -> [TokenKey] {
        try writer.write { db in
            var keys = try Self.webTokenKeys(db)
            let forgotten = keys.filter { !rotation.verifies($0, now: now) }
            for key in forgotten {
                try db.execute(sql: "DELETE FROM web_token_key WHERE id = ?", arguments: [Int64(key.id)])
            }
            keys.removeAll { !rotation.verifies($0, now: now) }
            if keys.first.map({ !rotation.signs($0, now: now) }) ?? true,
                !keys.contains(where: { $0.id == candidate.id })
            {
                try db.execute(
                    sql: "INSERT INTO web_token_key (id, secret, created_at) VALUES (?, ?, ?)",
                    arguments: [Int64(candidate.id), Data(candidate.secret), candidate.created.millis])
                keys.insert(candidate, at: 0)
            }
            return keys
        }
    }

    public func subscriptionSources(ids: [String]) throws -> [String: Subscription.Source] {
        guard !ids.isEmpty else { return [:] }
        return try writer.read { db in
            let marks = Array(repeating: "?", count: ids.count).joined(separator: ",")
            var sources: [String: Subscription.Source] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT id, source FROM subscription WHERE id IN (\(marks))",
                arguments: StatementArguments(ids))
            {
                sources[row[0]] = Subscription.Source(rawValue: row[1]) ?? .unknown
            }
            return sources
        }
    }

    public func webRequest(id: String) throws -> NewSubscription? {
        try writer.read { db in
            try Row.fetchOne(
                db, sql: "SELECT channel, target, format, cities, offsets, lang FROM web_request WHERE id = ?",
                arguments: [id]
            ).map(Self.webRequest)
        }
    }

    /// The request a `web_request` row of (channel, target, format, cities, offsets, lang) holds.
    private static func webRequest(_ row: Row) -> NewSubscription {
        let target: String = row[1]
        let channel: ChannelAddress =
            (row[0] as String) == "email"
            ? .email(target) : .webhook(url: target, format: row[2] ?? "generic", secret: nil)
        return NewSubscription(
            channel: channel, cities: (row[3] as String).split(separator: ",").map(String.init),
            offsets: (row[4] as String).split(separator: ",").compactMap { Int($0) }.map(ReminderOffset.init),
            language: Language(rawValue: row[5]) ?? .ko)
    }

    public func pendingWebRequestCount(now: Date) throws -> Int {
        try writer.read { db in
            try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM web_request WHERE subscription_id IS NULL AND expires_at > ?",
                arguments: [now.millis]) ?? 0
        }
    }

    private static func webTokenKeys(_ db: Database) throws -> [TokenKey] {
        try Row.fetchAll(db, sql: "SELECT id, secret, created_at FROM web_token_key ORDER BY created_at DESC, id")
            .map { row in
                let secret: Data = row[1]
                return TokenKey(
                    id: UInt32(truncatingIfNeeded: row[0] as Int64), secret: Array(secret),
                    created: Date(millis: row[2]))
            }
    }

    public func requestWebSubscription(
        _ request: PendingWebRequest, limits: [WebRateLimit], now: Date
    ) throws -> WebRequestOutcome {
        try writer.write { db in
            try db.execute(sql: "DELETE FROM web_request WHERE expires_at <= ?", arguments: [now.millis])
            try db.execute(sql: "DELETE FROM web_rate_count WHERE window_end <= ?", arguments: [now.millis])
            var windows: [(key: String, end: Int64)] = []
            for limit in limits {
                let window = max(1, Int64(limit.window.components.seconds) * 1000)
                let end = (now.millis / window + 1) * window
                let count =
                    try Int.fetchOne(
                        db, sql: "SELECT count FROM web_rate_count WHERE key = ? AND window_end = ?",
                        arguments: [limit.key, end]) ?? 0
                if count >= limit.limit {
                    return .limited(retryAfter: .milliseconds(end - now.millis))
                }
                windows.append((limit.key, end))
            }
            for (key, end) in windows {
                try db.execute(
                    sql: """
                        INSERT INTO web_rate_count (key, window_end, count) VALUES (?, ?, 1)
                            ON CONFLICT (key, window_end) DO UPDATE SET count = count + 1
                        """,
                    arguments: [key, end])
            }
            let new = request.subscription
            var format: String?
            if case .webhook(_, let f, _) = new.channel { format = f }
            try db.execute(
                sql: """
                    INSERT INTO web_request (id, channel, target, format, cities, offsets, lang, created_at, expires_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    request.id, new.channel.channelKind, new.channel.target, format, new.cities.joined(separator: ","),
                    new.offsets.map { String($0.seconds) }.joined(separator: ","), new.language.rawValue,
                    now.millis, request.expires.millis,
                ])
            return .kept
        }
    }

    public func confirmWebSubscription(requestID: String, confirm: Bool, now: Date) throws -> WebConfirmOutcome {
        try writer.write { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT channel, target, format, cities, offsets, lang, expires_at, subscription_id
                        FROM web_request WHERE id = ?
                        """,
                    arguments: [requestID])
            else { return .notFound }
            if let confirmed: String = row[7] { return .alreadyConfirmed(subscriptionID: confirmed) }
            guard (row[6] as Int64) > now.millis else { return .expired }
            let id = try WebSubscriptionRule.confirm(
                Self.webRequest(row), confirm: confirm, now: now, SQLiteSubscriptionSteps(db: db))
            try db.execute(
                sql: "UPDATE web_request SET subscription_id = ? WHERE id = ?", arguments: [id, requestID])
            return .confirmed(subscriptionID: id)
        }
    }

    /// The oldest subscription made on the web and not removed whose address (any case) or
    /// webhook URL is `channel`'s, if any. Subscriptions an operator made are not looked at.
    fileprivate static func liveWebSubscriptionID(_ db: Database, of channel: ChannelAddress) throws -> String? {
        let sameTarget: String
        switch channel {
        case .email: sameTarget = "lower(target) = lower(?)"
        case .webhook: sameTarget = "target = ?"
        }
        return try String.fetchOne(
            db,
            sql: """
                SELECT id FROM subscription
                WHERE channel = ? AND \(sameTarget) AND source = 'web' AND state <> 'removed'
                ORDER BY created_at, id LIMIT 1
                """,
            arguments: [channel.channelKind, channel.target])
    }

    /// The id of a subscription not removed that asks for the same as `new`, if any.
    fileprivate static func sameSubscriptionID(_ db: Database, as new: NewSubscription) throws -> String? {
        do {
            try refuseSameSubscription(db, as: new)
            return nil
        } catch let error as StoreError where error.code == .conflict {
            var format: String?
            if case .webhook(_, let f, _) = new.channel { format = f }
            let candidates = try Row.fetchAll(
                db,
                sql: """
                    SELECT id, cities, offsets FROM subscription
                    WHERE target = ? AND channel = ? AND format IS ? AND lang = ? AND state <> 'removed'
                    """,
                arguments: [new.channel.target, new.channel.channelKind, format, new.language.rawValue])
            let cities = Set(new.cities)
            let offsets = Set(new.offsets.map(\.seconds))
            return candidates.first { row in
                Set((row[1] as String).split(separator: ",").map(String.init)) == cities
                    && Set((row[2] as String).split(separator: ",").compactMap { Int($0) }) == offsets
            }?[0]
        }
    }

    @discardableResult
    public func changeSubscription(
        id: String, cities: [String], offsets: [ReminderOffset], language: Language, now: Date
    ) throws -> Subscription {
        try writer.write { db in
            try WebSubscriptionRule.change(
                id: id, cities: cities, offsets: offsets, language: language, now: now, SQLiteSubscriptionSteps(db: db)
            )
        }
    }

    public func liveSubscriptionID(from id: String) throws -> String? {
        try writer.read { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM subscription WHERE id = ?", arguments: [id]) != nil
            else { return nil }
            // Each step goes from a removed subscription to a new or active one, so the chain has no
            // loop; the bound only guards against a hand-edited table.
            var live = id
            var seen: Set<String> = [id]
            while let next = try String.fetchOne(
                db, sql: "SELECT restored_id FROM web_undo WHERE removed_id = ?", arguments: [live]),
                seen.insert(next).inserted
            {
                live = next
            }
            return live
        }
    }

    public func undoRemoval(subscriptionID id: String, now: Date) throws -> WebUndoOutcome {
        try writer.write { db in
            guard let removed = try Self.subscription(db, id: id) else { return .notFound }
            guard removed.state == .removed else { return .notRemoved }
            if let restored = try String.fetchOne(
                db, sql: "SELECT restored_id FROM web_undo WHERE removed_id = ?", arguments: [id])
            {
                return .alreadyRestored(subscriptionID: restored)
            }
            let restoredID = try WebSubscriptionRule.restore(removed, now: now, SQLiteSubscriptionSteps(db: db))
            try db.execute(
                sql: "INSERT INTO web_undo (removed_id, restored_id) VALUES (?, ?)", arguments: [id, restoredID])
            return .restored(subscriptionID: restoredID)
        }
    }
}

/// The web front door rule's own steps (``WebSubscriptionRule``) in SQLite's SQL.
extension SQLiteSubscriptionSteps: WebSubscriptionSteps {
    func liveWebSubscriptionID(of channel: ChannelAddress) throws -> String? {
        try AppDatabase.liveWebSubscriptionID(db, of: channel)
    }

    func sameSubscriptionID(as new: NewSubscription) throws -> String? {
        try AppDatabase.sameSubscriptionID(db, as: new)
    }

    func writeSettings(of subscription: Subscription, now: Date) throws {
        try db.execute(
            sql: "UPDATE subscription SET cities = ?, offsets = ?, lang = ?, updated_at = ? WHERE id = ?",
            arguments: [
                subscription.cities.joined(separator: ","),
                subscription.offsets.map { String($0.seconds) }.joined(separator: ","), subscription.language.rawValue,
                now.millis, subscription.id,
            ])
        try db.execute(sql: "DELETE FROM subscription_city WHERE subscription_id = ?", arguments: [subscription.id])
        for city in subscription.cities {
            try db.execute(
                sql: "INSERT OR IGNORE INTO subscription_city (city_id, subscription_id) VALUES (?, ?)",
                arguments: [city, subscription.id])
        }
    }

    func writeFormat(_ format: String, id: String) throws {
        try db.execute(sql: "UPDATE subscription SET format = ? WHERE id = ?", arguments: [format, id])
    }
}
