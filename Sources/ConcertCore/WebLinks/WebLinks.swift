import Foundation
import Synchronization

/// The web front door's links for one subscription: its one-click unsubscribe and its manage page,
/// signed with the token key in force, for the headers and footers of every email.
///
/// The daemon makes one when `web_listen` is on and gives it the store's signing key at start; the
/// front door hands it each new key when it rotates. Without a key no link is made.
public final class WebLinks: Sendable, Hashable {
    /// The public address of the front door, without a trailing slash (`https://concerts.example.org`).
    public let baseURL: String
    private let key: Mutex<TokenKey?>

    public init(baseURL: String, key: TokenKey? = nil) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.key = Mutex(key)
    }

    /// Makes `key` the one that signs new links.
    public func setSigningKey(_ key: TokenKey) {
        self.key.withLock { $0 = key }
    }

    /// `BASE/PURPOSE/TOKEN` for `subject` (a subscription or pending request id); nil without a
    /// key, or for an id no token can name.
    public func url(_ purpose: TokenPurpose, subject: String) -> String? {
        guard let key = key.withLock({ $0 }), let token = WebToken.sign(subject, for: purpose, with: key) else {
            return nil
        }
        return "\(baseURL)/\(purpose.pathSegment)/\(token)"
    }

    public static func == (lhs: WebLinks, rhs: WebLinks) -> Bool { lhs.baseURL == rhs.baseURL }

    public func hash(into hasher: inout Hasher) { hasher.combine(baseURL) }
}
