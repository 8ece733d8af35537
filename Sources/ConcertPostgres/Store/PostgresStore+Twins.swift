import ConcertCore
import Foundation

/// The same message through another subscription of the same channel, as PostgreSQL finds it
/// (`ConcertdStore`, "the same message"; ``SendingRules`` asks only where one may exist).
extension PostgresStore {
    static func twin(of due: PendingDelivery, _ connection: PostgresConnection) throws -> DeliveryTwin {
        let d = due.delivery
        let rows = try connection.query(
            """
            SELECT COALESCE(bool_or(d2.state = 'sent'), false), COUNT(*)
            FROM subscription s2 JOIN delivery d2 ON d2.subscription_id = s2.id
            WHERE s2.target = $1 AND s2.id <> $2 AND s2.format IS NOT DISTINCT FROM $3 AND s2.lang = $4
                AND d2.concert_id = $5 AND d2.concert_revision = $6 AND d2.kind = $7 AND d2.kind <> 'test'
                AND d2.offset_seconds = $8 AND d2.state IN ('sent', 'sending', 'retrying')
            """, twinParameters(subscription: due.subscription, delivery: d))
        return DeliveryTwin(anySent: rows.bool(0, 0), count: rows.int(0, 1))
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
