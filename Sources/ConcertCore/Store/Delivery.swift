import Foundation

/// One message in the outbox: a reminder, or a notice (confirmation, change, cancellation, new concert, test).
///
/// `scheduled → sending → sent`, or `→ retrying → … → failed`, or `skipped` with a reason.
public struct Delivery: Sendable, Hashable, Identifiable {
    public var id: Int64
    public var subscriptionID: String
    public var concertID: String
    public var concertRevision: Int
    public var kind: Kind
    /// For reminders, how long before the concert; zero for notices.
    public var offset: ReminderOffset
    public var due: Date
    /// No attempt is made after this moment (a reminder's concert start).
    public var deadline: Date?
    public var state: State
    public var reason: SkipReason?
    public var attempts: Int
    public var nextAttempt: Date?
    public var lastError: String?
    /// Travels with the message (a chat format's `Idempotency-Key` header, a generic webhook's
    /// `webhook-id`, an email's Message-ID) so a receiver can drop a repeat.
    /// Derived from the row's identity, not stored (`Delivery.idempotencyKey(id:…)`).
    public var idempotencyKey: String
    /// For change notices, the facts before the change (JSON).
    public var detail: String?
    public var createdAt: Date
    public var finishedAt: Date?

    public init(
        id: Int64, subscriptionID: String, concertID: String, concertRevision: Int, kind: Kind,
        offset: ReminderOffset, due: Date, deadline: Date?, state: State, reason: SkipReason?, attempts: Int,
        nextAttempt: Date?, lastError: String?, idempotencyKey: String, detail: String?, createdAt: Date,
        finishedAt: Date?
    ) {
        self.id = id
        self.subscriptionID = subscriptionID
        self.concertID = concertID
        self.concertRevision = concertRevision
        self.kind = kind
        self.offset = offset
        self.due = due
        self.deadline = deadline
        self.state = state
        self.reason = reason
        self.attempts = attempts
        self.nextAttempt = nextAttempt
        self.lastError = lastError
        self.idempotencyKey = idempotencyKey
        self.detail = detail
        self.createdAt = createdAt
        self.finishedAt = finishedAt
    }

    public enum Kind: String, Codable, Sendable, CaseIterable {
        case reminder
        case confirmation
        case change
        case cancellation
        case newConcert = "new_concert"
        case test
    }

    public enum State: String, Codable, Sendable, CaseIterable {
        case scheduled, sending, sent, retrying, failed, skipped

        /// `sent`, `failed` or `skipped`: the row is not tried again unless someone asks.
        public var isFinal: Bool { self == .sent || self == .failed || self == .skipped }
    }

    /// Why a delivery was skipped; the raw values are stable and shown to users.
    public enum SkipReason: String, Codable, Sendable, CaseIterable {
        /// The concert was cancelled.
        case cancelled
        /// The concert changed; this reminder was replaced by one of the new revision.
        case revised
        /// The subscription was removed.
        case removed
        /// The subscription was paused.
        case paused
        /// The subscription was disabled (for example after 410 Gone).
        case disabled
        /// It became due only after its concert had started (the daemon was down, or retries ran out of time).
        case missed
        /// A later reminder of the same concert was due at the same time, so only that one was sent.
        case superseded
        /// The same channel is subscribed twice; the other subscription's message was sent.
        case duplicate
        /// The subscription's settings were changed on its manage page; what still applies was planned again.
        case changed
    }

    /// The idempotency key of a row, stable and readable: `sub-k3m9q2xw7d_busan-2019_r1_reminder_86400`.
    ///
    /// Other rows are unique by their identity (the index `delivery_identity`), so the key names
    /// that identity; test messages are not, and are named by their row id. No dots: a Standard
    /// Webhooks `webhook-id` must not contain one; every character is valid in a Message-ID. The
    /// key is derived, never stored, so it must stay the same for a row across releases.
    public static func idempotencyKey(
        id: Int64, subscriptionID: String, concertID: String, revision: Int, kind: Kind, offset: ReminderOffset
    ) -> String {
        if kind == .test { return "test_\(subscriptionID)_\(id)" }
        return "\(subscriptionID)_\(concertID)_r\(revision)_\(kind.rawValue)_\(offset.seconds)"
    }
}
