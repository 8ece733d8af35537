import Foundation

/// What every delivery of one distinct message shares — the rendered text, the generic webhook's
/// body after the delivery's own fields, an email's text-and-HTML part and its boundary — built by
/// the first delivery that needs it. The chat formats escape and serialize their body per delivery.
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
