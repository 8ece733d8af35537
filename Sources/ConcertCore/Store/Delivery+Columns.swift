import Foundation

extension Delivery: PositionalColumns {
    package static let columnNames = [
        "id", "subscription_id", "concert_id", "concert_revision", "kind", "offset_seconds", "due_at", "deadline_at",
        "state", "reason", "attempts", "next_attempt_at", "last_error", "detail", "created_at", "finished_at",
    ]

    /// Decodes the first columns of `row`, which are `columnNames` in that order. By
    /// position: looking each column up by name cost more than the query in a fan-out.
    package init(columnsOf row: some PositionalRow) {
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
