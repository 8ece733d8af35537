import ConcertCore
import Foundation

/// The same message through another subscription of the same channel, as PostgreSQL finds it
/// (`ConcertdStore`, "the same message"; ``SendingRules`` asks only where one may exist).
extension PostgresStore {
    /// The class of the transaction advisory locks on a message (`pg_try_advisory_xact_lock(class,
    /// hashtext(message))`): "twin".
    static let messageLockClass: Int64 = 0x7477_696E

    /// The rows of `batch`, claimed before `due` in the same claim and not yet written `sending`,
    /// count as twins being sent. So does a row of the same message another instance is claiming
    /// right now, whose `sending` this transaction cannot see before that claim commits: the claim
    /// that reads a message's twins holds the message's lock until it ends, and one that finds the
    /// lock taken waits for that verdict as for any twin being sent (or, one sent already found,
    /// is a duplicate). A lock never waited for takes
    /// no part in the lock order (``lockPlanning(_:)``); two messages whose keys collide make a
    /// row wait (at most ``DeliveryTwin/wait``) for nothing.
    static func twin(
        of due: PendingDelivery, _ connection: PostgresConnection, claimedBefore batch: ClaimedInBatch? = nil
    ) throws -> DeliveryTwin {
        let d = due.delivery
        let parameters = twinParameters(subscription: due.subscription, delivery: d)
        // The message's key: every parameter but the subscription (the second).
        let key = parameters.enumerated().filter { $0.offset != 1 }.map { $0.element.textForm ?? "" }.joined(
            separator: "|")
        let locked = try connection.query(
            "SELECT pg_try_advisory_xact_lock($1::int, hashtext($2))", [.integer(messageLockClass), .text(key)])
        let rows = try connection.query(
            """
            SELECT COALESCE(bool_or(d2.state = 'sent'), false), COUNT(*)
            FROM subscription s2 JOIN delivery d2 ON d2.subscription_id = s2.id
            WHERE s2.target = $1 AND s2.id <> $2 AND s2.format IS NOT DISTINCT FROM $3 AND s2.lang = $4
                AND d2.concert_id = $5 AND d2.concert_revision = $6 AND d2.kind = $7 AND d2.kind <> 'test'
                AND d2.offset_seconds = $8 AND d2.state IN ('sent', 'sending', 'retrying')
            """, parameters)
        let claimedElsewhere = locked.bool(0, 0) ? 0 : 1
        return DeliveryTwin(
            anySent: rows.bool(0, 0), count: rows.int(0, 1) + (batch?.twins(of: due) ?? 0) + claimedElsewhere)
    }

    /// Rows waiting for `record`'s verdict become due now. Returns how many.
    static func wakeTwins(of record: DeliveryRecord, _ connection: PostgresConnection) throws -> Int {
        let now = record.finishedAt.millis
        return try connection.query(
            """
            UPDATE delivery SET next_attempt_at = $9 WHERE id IN (
                SELECT d2.id FROM subscription s2 JOIN delivery d2 ON d2.subscription_id = s2.id
                WHERE s2.target = $1 AND s2.id <> $2 AND s2.format IS NOT DISTINCT FROM $3 AND s2.lang = $4
                    AND d2.concert_id = $5 AND d2.concert_revision = $6 AND d2.kind = $7 AND d2.kind <> 'test'
                    AND d2.offset_seconds = $8 AND d2.state IN ('scheduled', 'retrying') AND d2.next_attempt_at > $9)
            """, twinParameters(subscription: record.subscription, delivery: record.delivery) + [.integer(now)]
        ).changes
    }

    private static func twinParameters(subscription: Subscription, delivery d: Delivery) -> [PostgresValue] {
        var format: String?
        if case .webhook(_, let f, _) = subscription.channel { format = f }
        return [
            .text(subscription.channel.target), .text(subscription.id), .text(format),
            .text(subscription.language.rawValue), .text(d.concertID), .integer(Int64(d.concertRevision)),
            .text(d.kind.rawValue), .integer(Int64(d.offset.seconds)),
        ]
    }
}

/// The rows one claim has taken so far, which PostgreSQL writes `sending` all at once after the
/// batch has been gone through: a later row of the batch with the same message waits for one of
/// them, as it waits for a row already `sending` (the SQLite store marks each row before it reads
/// the next one's twin).
final class ClaimedInBatch {
    /// The message a row carries (`ConcertdStore`, "the same message").
    private struct Message: Hashable {
        var target: String
        var format: String?
        var language: String
        var concertID: String
        var revision: Int
        var kind: Delivery.Kind
        var offset: Int

        static func of(_ item: PendingDelivery) -> Message {
            var format: String?
            if case .webhook(_, let f, _) = item.subscription.channel { format = f }
            let d = item.delivery
            return Message(
                target: item.subscription.channel.target, format: format,
                language: item.subscription.language.rawValue, concertID: d.concertID, revision: d.concertRevision,
                kind: d.kind, offset: d.offset.seconds)
        }
    }

    /// The subscriptions of each message claimed so far.
    private var claimed: [Message: Set<String>] = [:]

    /// Notes a row the claim takes (only one that may have a twin can be one).
    func add(_ item: PendingDelivery) {
        guard DeliveryTwin.mayExist(for: item) else { return }
        claimed[Message.of(item), default: []].insert(item.subscription.id)
    }

    /// How many of the rows claimed so far carry `due`'s message through other subscriptions.
    func twins(of due: PendingDelivery) -> Int {
        guard let subscriptions = claimed[Message.of(due)] else { return 0 }
        return subscriptions.count - (subscriptions.contains(due.subscription.id) ? 1 : 0)
    }
}
