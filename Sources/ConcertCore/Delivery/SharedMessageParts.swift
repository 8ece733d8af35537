import Foundation

/// What every delivery of one distinct message shares — the rendered text, a webhook body without
/// its delivery id, an email's MIME parts — built by the first delivery that needs it.
///
/// A fan-out sends the same words to thousands of subscribers: the scheduler gives every
/// message with the same `MessageContentKey` the same instance, so each part is made once per
/// distinct message instead of once per delivery. A message built on its own (preview, tests) gets
/// a fresh instance and shares nothing.
public final class SharedMessageParts: @unchecked Sendable {
    // @unchecked: `parts` is only touched while holding `lock`.
    private let lock = NSLock()
    private var parts: [String: any Sendable] = [:]

    public init() {}

    /// The part called `name`, built by `build` the first time it is asked for.
    ///
    /// `build` runs outside the lock: two threads asking at once may both build it, and the first
    /// one stored wins. A part that fails to build is not stored.
    public func value<Part: Sendable>(_ name: String, build: () throws -> Part) rethrows -> Part {
        if let part = lock.withLock({ parts[name] }) as? Part { return part }
        let part = try build()
        return lock.withLock {
            if let stored = parts[name] as? Part { return stored }
            parts[name] = part
            return part
        }
    }
}

/// Everything that decides an outbound message's content apart from its delivery's identity
/// (id, idempotency key, recipient): two messages with equal keys read the same, word for word.
///
/// `concertLoad` identifies the exact concert value the scheduler loaded (its facts can change
/// without a new revision: a corrected title); `ahead` is the "how long until it starts" wording,
/// the one part that depends on the moment of sending.
public struct MessageContentKey: Hashable, Sendable {
    public var concertID: String
    public var concertRevision: Int
    public var concertLoad: Int
    public var kind: Delivery.Kind
    public var offsetSeconds: Int
    public var language: Language
    public var cityIDs: [String]
    public var subscriptionOffsets: [Int]
    public var previous: String?
    public var ahead: String
}
