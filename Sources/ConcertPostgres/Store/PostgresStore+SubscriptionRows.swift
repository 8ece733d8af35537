import ConcertCore
import Foundation

/// The subscription rows on PostgreSQL, inside the caller's transaction: what `concertctl
/// subscribe`, the bulk import, the web front door and the state changes share (one insert, one
/// same-subscription lookup, one state change), under the locks of ``PostgresStore``'s lock order.
extension PostgresStore {
    /// The subscriptions not removed that may ask for the same as `new` (its channel, target,
    /// format and language), in the order they were made: one lookup by target
    /// (`subscription_by_target`), seeing the rows of the caller's transaction.
    static func sameSubscriptionCandidates(
        _ connection: PostgresConnection, of new: NewSubscription
    ) throws -> [SameSubscription.Candidate] {
        let rows = try connection.query(
            """
            SELECT id, cities, offsets, state FROM subscription
            WHERE target = $1 AND channel = $2 AND format IS NOT DISTINCT FROM $3 AND lang = $4 AND state <> 'removed'
            ORDER BY position
            """,
            [
                .text(new.channel.target), .text(new.channel.channelKind), .text(format(of: new.channel)),
                .text(new.language.rawValue),
            ])
        return rows.map {
            SameSubscription.Candidate(
                id: rows.text($0, 0), cities: rows.text($0, 1), offsets: rows.text($0, 2), state: rows.text($0, 3))
        }
    }

    /// Refuses `new` with a `conflict` when a subscription not removed already asks for the same
    /// (``SameSubscription``); the first made is named, as on SQLite.
    static func refuseSameSubscription(_ connection: PostgresConnection, as new: NewSubscription) throws {
        if let refusal = SameSubscription.refusal(of: new, among: try sameSubscriptionCandidates(connection, of: new)) {
            throw refusal
        }
    }

    /// The id of the first subscription not removed that asks for the same as `new`, if any.
    static func sameSubscriptionID(_ connection: PostgresConnection, as new: NewSubscription) throws -> String? {
        SameSubscription.first(of: new, among: try sameSubscriptionCandidates(connection, of: new))?.id
    }

    /// Inserts one subscription, its cities and its counts (`subscription.STATE`,
    /// `subscription_source.SOURCE.STATE`), in one statement.
    static func insertSubscription(
        _ connection: PostgresConnection, _ subscription: Subscription, source: Subscription.Source
    ) throws {
        var secret: String?
        if case .webhook(_, _, let s) = subscription.channel { secret = s }
        var cities: [String] = []
        for city in subscription.cities where !cities.contains(city) { cities.append(city) }
        try connection.query(
            """
            WITH inserted AS (
                INSERT INTO subscription (id, channel, target, format, secret, destination, cities, offsets, lang,
                    label, state, state_reason, created_at, updated_at, source)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $14)
                RETURNING id
            ), cities AS (
                INSERT INTO subscription_city (city_id, subscription_id)
                SELECT city, inserted.id FROM inserted, unnest($15::text[]) AS city
            )
            SELECT concertd_count('subscription.' || $11, 1), concertd_count($16, 1)
            """,
            [
                .text(subscription.id), .text(subscription.channel.channelKind), .text(subscription.channel.target),
                .text(format(of: subscription.channel)), .text(secret), .text(subscription.channel.destination),
                .text(subscription.cities.joined(separator: ",")),
                .text(subscription.offsets.map { String($0.seconds) }.joined(separator: ",")),
                .text(subscription.language.rawValue), .text(subscription.label), .text(subscription.state.rawValue),
                .text(subscription.stateReason), .integer(subscription.createdAt.millis), .text(source.rawValue),
                .array(cities), .text(Subscription.Source.counterName(source, subscription.state)),
            ])
    }

    /// One subscription by id, removed ones included; with `locking`, its row locked until the
    /// transaction ends.
    static func subscriptionRow(_ connection: PostgresConnection, id: String, locking: Bool = false) throws
        -> Subscription?
    {
        let rows = try connection.query(
            "SELECT \(Subscription.columns(of: "s")) FROM subscription s WHERE s.id = $1"
                + (locking ? " FOR UPDATE" : ""),
            [.text(id)])
        return rows.count == 0 ? nil : Subscription(columns: PostgresRow(rows: rows, index: 0), at: 0)
    }

    /// Pauses, resumes, disables or removes a subscription, in the caller's transaction (which
    /// holds the planning lock; the row is locked until it ends): the pending messages of one that
    /// stops are skipped with that reason; one that becomes active again is planned anew from
    /// `now`, the rows skipped while it was stopped that still fit coming back
    /// (``insertDeliveries(_:_:now:)``). No such subscription, or a removed one: `notFound`.
    @discardableResult
    static func setState(
        _ connection: PostgresConnection, id: String, to state: Subscription.State, reason: String?, now: Date
    ) throws -> Subscription {
        try SubscriptionRules.setState(
            id: id, to: state, reason: reason, now: now, PostgresSubscriptionSteps(connection: connection))
    }

    /// Gives a subscription exactly `cities` in `subscription_city`.
    static func setCities(_ connection: PostgresConnection, ofSubscription id: String, _ cities: [String]) throws {
        try connection.query("DELETE FROM subscription_city WHERE subscription_id = $1", [.text(id)])
        try connection.query(
            """
            INSERT INTO subscription_city (city_id, subscription_id)
            SELECT city_id, $1 FROM unnest($2::text[]) AS c(city_id) ON CONFLICT DO NOTHING
            """, [.text(id), .array(cities)])
    }

    /// The webhook format of a channel; nil for email.
    static func format(of channel: ChannelAddress) -> String? {
        if case .webhook(_, let format, _) = channel { return format }
        return nil
    }

    /// A prefix for ``SequentialIDs`` that no stored id starts with, and none of `avoiding`.
    static func freePrefix(_ connection: PostgresConnection, avoiding: Set<String>) throws -> String {
        try SequentialIDs.freePrefix(avoiding: avoiding) { try prefixIsTaken(connection, $0) }
    }

    /// Whether a stored id starts with `prefix`: `starts_with`, not a range of the id index,
    /// whose order is the database's collation (which may not sort `~` after every letter).
    static func prefixIsTaken(_ connection: PostgresConnection, _ prefix: String) throws -> Bool {
        try connection.query(
            "SELECT EXISTS (SELECT 1 FROM subscription WHERE starts_with(id, $1))", [.text(prefix)]
        ).bool(0, 0)
    }
}
