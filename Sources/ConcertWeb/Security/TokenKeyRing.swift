import ConcertCore
import Foundation
import Synchronization

/// The token keys, read from the store and kept for a minute, so that a request costs no query.
///
/// The store is the truth (several instances on one database share it): the ring reads it again
/// after a minute, when the signing key is due for rotation, and when a token names a key it does not
/// hold (at most once a second, so forged key ids cannot make every request a query).
final class TokenKeyRing: Sendable {
    private struct Cached {
        var keys: [TokenKey]
        var read: Date
    }

    private let store: any WebStore
    private let rotation: TokenKeyRotation
    private let cached = Mutex<Cached?>(nil)
    /// The email links, told of each signing key read.
    private let links: WebLinks?

    init(store: any WebStore, rotation: TokenKeyRotation, links: WebLinks?) {
        self.store = store
        self.rotation = rotation
        self.links = links
    }

    /// The key that signs new tokens.
    func signingKey(now: Date) async throws -> TokenKey {
        if let keys = fresh(now: now), let newest = keys.first, rotation.signs(newest, now: now) {
            return newest
        }
        let keys = try await reload(now: now)
        guard let newest = keys.first else { throw WebStoreFault.noTokenKey }
        return newest
    }

    /// The key named `id` if it still verifies, reading the store again for an id it does not hold.
    func key(id: UInt32, now: Date) async throws -> TokenKey? {
        let held = cached.withLock { $0 }
        if let held, now.timeIntervalSince(held.read) < 60, let key = held.keys.first(where: { $0.id == id }) {
            return usable(key, now: now) ? key : nil
        }
        if let held, now.timeIntervalSince(held.read) < 1 {
            return nil
        }
        let keys = try await reload(now: now)
        return keys.first { $0.id == id && usable($0, now: now) }
    }

    /// The keys held, for synchronous lookups right after `key(id:now:)` or `signingKey(now:)`.
    func heldKeys() -> [TokenKey] {
        cached.withLock { $0?.keys ?? [] }
    }

    private func usable(_ key: TokenKey, now: Date) -> Bool {
        rotation.verifies(key, now: now)
    }

    private func fresh(now: Date) -> [TokenKey]? {
        cached.withLock { held in
            guard let held, now.timeIntervalSince(held.read) < 60, now >= held.read else { return nil }
            return held.keys
        }
    }

    private func reload(now: Date) async throws -> [TokenKey] {
        let keys = try await store.tokenKeys(now: now, rotation: rotation, candidate: .generate(now: now))
        cached.withLock { $0 = Cached(keys: keys, read: now) }
        if let newest = keys.first { links?.setSigningKey(newest) }
        return keys
    }
}

/// The store answered something the front door cannot work with.
enum WebStoreFault: Error, CustomStringConvertible {
    case noTokenKey

    var description: String {
        switch self {
        case .noTokenKey: "the store returned no token key"
        }
    }
}

extension Date {
    static func + (date: Date, duration: Duration) -> Date {
        let (seconds, attoseconds) = duration.components
        return date.addingTimeInterval(Double(seconds) + Double(attoseconds) / 1e18)
    }
}
