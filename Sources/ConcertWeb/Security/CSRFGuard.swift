import ConcertCore

/// CSRF tokens for the forms: a signed double-submit cookie.
///
/// The browser holds a random cookie (`HttpOnly`, `SameSite=Strict`); each form carries the HMAC of
/// that cookie under a token key. A POST is accepted when its form token is the cookie's MAC under
/// a key in force. A page on another site can neither read the cookie nor compute its MAC, and a
/// `SameSite=Strict` cookie is not even sent with its request.
enum CSRFGuard {
    static let cookieName = "concertd_csrf"
    static let fieldName = "csrf"
    private static let label = Array("concertd csrf v1".utf8)

    /// A new cookie value: 16 random bytes in base64url (22 characters).
    static func newCookieValue() -> String {
        Base64URL.encode(RandomBytes.make(16))
    }

    static func isWellFormedCookie(_ value: some StringProtocol) -> Bool {
        value.utf8.count == 22 && Base64URL.decode(value)?.count == 16
    }

    /// The form token for `cookie`: the key's id and 128 bits of MAC, 27 characters.
    static func formToken(cookie: String, key: TokenKey) -> String {
        let id = withUnsafeBytes(of: key.id.bigEndian, Array.init)
        let mac = HMACSHA256.mac(key: key.secret, label, id, Array(cookie.utf8))
        return Base64URL.encode(id + mac.prefix(16))
    }

    /// The key id a form token names; nil when it cannot be one.
    static func keyID(of token: some StringProtocol) -> UInt32? {
        guard token.utf8.count == 27, let bytes = Base64URL.decode(token), bytes.count == 20 else { return nil }
        return bytes[0..<4].reduce(0) { $0 << 8 | UInt32($1) }
    }

    static func verify(formToken: some StringProtocol, cookie: some StringProtocol, key: TokenKey) -> Bool {
        guard isWellFormedCookie(cookie), let bytes = Base64URL.decode(formToken), bytes.count == 20 else {
            return false
        }
        let id = Array(bytes[0..<4])
        let mac = HMACSHA256.mac(key: key.secret, label, id, Array(cookie.utf8))
        return HMACSHA256.constantTimeEqual(mac.prefix(16), bytes[4..<20])
    }
}
