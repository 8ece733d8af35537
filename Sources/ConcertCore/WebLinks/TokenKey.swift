import Foundation

/// A key that signs the web front door's tokens: a random id (named in every token it signs) and 32
/// random bytes. Keys are kept in the store, so that several daemons on one database share them.
public struct TokenKey: Sendable, Hashable {
    public var id: UInt32
    public var secret: [UInt8]
    public var created: Date

    public init(id: UInt32, secret: [UInt8], created: Date) {
        self.id = id
        self.secret = secret
        self.created = created
    }

    /// A fresh key from the system's CSPRNG (never id 0).
    public static func generate(now: Date) -> TokenKey {
        var id: UInt32 = 0
        while id == 0 {
            id = RandomBytes.make(4).reduce(0) { $0 << 8 | UInt32($1) }
        }
        return TokenKey(id: id, secret: RandomBytes.make(32), created: now)
    }
}

/// How long a token key signs, and how long after that the links it signed still work.
public struct TokenKeyRotation: Sendable, Hashable {
    public var signFor: Duration
    public var verifyFor: Duration

    public init(signFor: Duration, verifyFor: Duration) {
        self.signFor = signFor
        self.verifyFor = verifyFor
    }

    /// A new key every 90 days; links signed with a key keep working for a year after it stopped signing.
    public static let standard = TokenKeyRotation(signFor: .seconds(90 * 86_400), verifyFor: .seconds(365 * 86_400))

    /// Whether `key` still signs new tokens at `now`.
    public func signs(_ key: TokenKey, now: Date) -> Bool {
        now < key.created.addingTimeInterval(signFor.tokenSeconds)
    }

    /// Whether tokens signed with `key` are still accepted at `now`.
    public func verifies(_ key: TokenKey, now: Date) -> Bool {
        now < key.created.addingTimeInterval(signFor.tokenSeconds + verifyFor.tokenSeconds)
    }
}

extension Duration {
    /// This duration in seconds, as a floating-point number.
    var tokenSeconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
