import ConcertCore

/// The id of a pending request or a subscription, as tokens name it: the only identity in URLs,
/// and never in clear there (``WebToken`` masks it).
public struct WebReference: Sendable, Hashable, CustomStringConvertible {
    public let id: String

    /// A reference to an existing id; nil when no token could name it.
    public init?(id: String) {
        guard WebToken.canName(id) else { return nil }
        self.id = id
    }

    /// A fresh id for a pending request: `req-` and 12 random characters.
    public static func generate() -> WebReference {
        WebReference(id: "req-" + RandomID.make(length: 12))!
    }

    public var description: String { id }

    /// The token naming this reference for `purpose`.
    public func token(for purpose: TokenPurpose, with key: TokenKey) -> String {
        guard let token = WebToken.sign(id, for: purpose, with: key) else {
            preconditionFailure("a WebReference's id is always one a token can name")
        }
        return token
    }
}
