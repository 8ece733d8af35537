import Foundation

/// What the web front door keeps in the store: pending requests to subscribe (double opt-in), the
/// keys that sign its tokens, the counts of its rate limits, and its undo records. All of it
/// lives in the store, not in process memory or files, so that it outlives a restart and, on an
/// engine that lets several daemons share one database (``StoreOpener``), is shared by them.
/// Expired requests and spent counts are pruned by the writes that meet them: no timer.
public protocol WebFrontDoorStore: Sendable {
    /// The token keys still accepted, newest first. Makes `candidate` the signing key when no key
    /// signs at `now` (the first start, and each rotation), and forgets keys no longer accepted,
    /// in one transaction.
    func webTokenKeys(now: Date, rotation: TokenKeyRotation, candidate: TokenKey) throws -> [TokenKey]

    /// Keeps a request to subscribe unless one of `limits` is reached, counting it against each;
    /// prunes expired requests and spent counts. Nothing is scheduled until it is confirmed.
    func requestWebSubscription(
        _ request: PendingWebRequest, limits: [WebRateLimit], now: Date
    ) throws -> WebRequestOutcome

    /// Turns a pending request into a subscription (source `web`) and plans its reminders, once;
    /// queues the usual confirmation naming the next concert when `confirm` is set.
    ///
    /// An address (in any case) or webhook URL has one web subscription: when one not removed
    /// exists, the request changes it instead (cities, offsets, language and a webhook's format,
    /// pending reminders planned again from `now`, a paused or disabled one made active) and
    /// keeps its id, so the links already sent keep working. Subscriptions an operator made
    /// (source `control` or `import`) are not changed.
    func confirmWebSubscription(requestID: String, confirm: Bool, now: Date) throws -> WebConfirmOutcome

    /// Gives a subscription that is not removed new cities, offsets and language: its pending
    /// reminders are skipped (`changed`) and planned again from `now`.
    @discardableResult
    func changeSubscription(
        id: String, cities: [String], offsets: [ReminderOffset], language: Language, now: Date
    ) throws -> Subscription

    /// A new subscription (source `web`) with the settings of the removed one `id`: `removed` stays
    /// final. A second undo of the same removal answers the subscription the first one made. When
    /// the address or channel has a web subscription again (subscribed anew on the form), the undo
    /// leads to that one, unchanged, and makes no second.
    func undoRemoval(subscriptionID id: String, now: Date) throws -> WebUndoOutcome

    /// The subscription a link issued for `id` acts on: `id` itself, or, when it was removed and
    /// undone, the subscription its undo made, followed through later undos to the last. Only the
    /// undo records are followed. Nil when there is no subscription `id`.
    func liveSubscriptionID(from id: String) throws -> String?

    /// How each of the subscriptions `ids` was made (`control`, `import`, `web`, `unknown`), for
    /// the operators' listing; ids not stored are left out.
    func subscriptionSources(ids: [String]) throws -> [String: Subscription.Source]

    /// What the request to subscribe `id` asked for (its channel, cities, offsets and language),
    /// for its confirmation page; nil when there is none by that id.
    func webRequest(id: String) throws -> NewSubscription?

    /// The requests to subscribe that are neither confirmed nor expired at `now`.
    func pendingWebRequestCount(now: Date) throws -> Int

    /// Removes each subscription of `ids` (skipping its pending messages with `reason`), all in one
    /// transaction: one commit for the one-click unsubscribes that arrive together. Each id has its
    /// own outcome, in the order given; one that fails leaves the others' removals in place. An id
    /// named twice is removed once and answered `alreadyRemoved` the second time.
    func removeSubscriptions(ids: [String], reason: String, now: Date) throws -> [Result<WebRemovalOutcome, any Error>]
}

extension WebFrontDoorStore where Self: SubscriptionStore {
    /// One transaction per id, for a store without a batch of its own.
    public func removeSubscriptions(
        ids: [String], reason: String, now: Date
    ) throws -> [Result<WebRemovalOutcome, any Error>] {
        ids.map { id in
            Result { () throws -> WebRemovalOutcome in
                guard let found = try subscription(id: id) else { return .notFound }
                guard found.state != .removed else { return .alreadyRemoved(language: found.language) }
                try setSubscriptionState(id: id, to: .removed, reason: reason, now: now)
                return .removed(language: found.language)
            }
        }
    }
}

/// What removing one subscription did.
public enum WebRemovalOutcome: Sendable, Hashable {
    /// Removed now; its language, for the page that says so.
    case removed(language: Language)
    /// Removed before: nothing changed.
    case alreadyRemoved(language: Language)
    case notFound
}

/// A request to subscribe from the web, kept until it is confirmed or expires.
public struct PendingWebRequest: Sendable, Hashable {
    /// `req-` and random characters: what the confirmation token names.
    public var id: String
    public var subscription: NewSubscription
    public var expires: Date

    public init(id: String, subscription: NewSubscription, expires: Date) {
        self.id = id
        self.subscription = subscription
        self.expires = expires
    }
}

/// At most `limit` requests per `key` (a keyed hash of a client or a channel) in each `window`.
public struct WebRateLimit: Sendable, Hashable {
    public var key: String
    public var limit: Int
    public var window: Duration

    public init(key: String, limit: Int, window: Duration) {
        self.key = key
        self.limit = limit
        self.window = window
    }
}

public enum WebRequestOutcome: Sendable, Hashable {
    /// Kept: its confirmation message may be sent.
    case kept
    /// A limit is reached; nothing was kept or counted. Try again after this long.
    case limited(retryAfter: Duration)
}

public enum WebConfirmOutcome: Sendable, Hashable {
    case confirmed(subscriptionID: String)
    /// Confirmed before: nothing changed.
    case alreadyConfirmed(subscriptionID: String)
    /// Past its expiry: nothing changed.
    case expired
    case notFound
}

public enum WebUndoOutcome: Sendable, Hashable {
    case restored(subscriptionID: String)
    case alreadyRestored(subscriptionID: String)
    /// The subscription is not removed: nothing to undo.
    case notRemoved
    case notFound
}
