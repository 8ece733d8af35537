import Foundation
import GRDB

@testable import ConcertCore

extension Delivery {
    /// Decodes a delivery row by column name: the fixtures' way of building a delivery, and an
    /// oracle for the product's positional decoding (`Delivery(columnsOf:)`). A row built by hand
    /// may carry its own `idempotency_key`; otherwise the key is derived as the product derives it.
    init(row: Row) {
        let id: Int64 = row["id"]
        let subscriptionID: String = row["subscription_id"]
        let concertID: String = row["concert_id"]
        let revision: Int = row["concert_revision"]
        let kind = Kind(rawValue: row["kind"]) ?? .reminder
        let offset = ReminderOffset(seconds: row["offset_seconds"])
        self.init(
            id: id, subscriptionID: subscriptionID, concertID: concertID, concertRevision: revision, kind: kind,
            offset: offset, due: Date(millis: row["due_at"]),
            deadline: (row["deadline_at"] as Int64?).map(Date.init(millis:)),
            state: State(rawValue: row["state"]) ?? .scheduled,
            reason: (row["reason"] as String?).flatMap(SkipReason.init(rawValue:)), attempts: row["attempts"],
            nextAttempt: (row["next_attempt_at"] as Int64?).map(Date.init(millis:)), lastError: row["last_error"],
            idempotencyKey: (row["idempotency_key"] as String?)
                ?? Self.idempotencyKey(
                    id: id, subscriptionID: subscriptionID, concertID: concertID, revision: revision, kind: kind,
                    offset: offset),
            detail: row["detail"], createdAt: Date(millis: row["created_at"]),
            finishedAt: (row["finished_at"] as Int64?).map(Date.init(millis:)))
    }
}
