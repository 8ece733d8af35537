import Foundation
import GRDB

@testable import ConcertCore

extension OutboundMessage {
    /// A reminder of one concert to a webhook subscription at `url`.
    static func sample(url: String) -> OutboundMessage {
        let delivery = Delivery(
            row: Row([
                "id": 1, "subscription_id": "sub-test", "concert_id": "c1", "concert_revision": 1, "kind": "reminder",
                "offset_seconds": 3600, "due_at": 0, "deadline_at": nil, "state": "sending", "reason": nil,
                "attempts": 0, "next_attempt_at": nil, "last_error": nil, "idempotency_key": "key-1", "detail": nil,
                "created_at": 0, "finished_at": nil,
            ]))
        let subscription = Subscription(
            id: "sub-test", channel: .webhook(url: url, format: "generic", secret: nil), cities: ["gongju"],
            offsets: [ReminderOffset(seconds: 3600)], language: .ko, createdAt: Date(timeIntervalSince1970: 0))
        let start = Date(timeIntervalSince1970: 1_572_000_000)
        let concert = StoredConcert(
            concert: Concert(id: "c1", cities: ["gongju"], schedule: .timed(start: start, end: start + 7200)),
            origin: .catalog, revision: 1)
        return OutboundMessage(
            delivery: delivery, subscription: subscription, concert: concert, cities: [],
            infoURL: "https://example.org",
            now: start - 3600)
    }
}
