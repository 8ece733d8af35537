/// What a token lets its holder do; a token made for one purpose is refused for every other.
public enum TokenPurpose: UInt8, Sendable, CaseIterable {
    /// Confirm a pending request to subscribe (the confirmation message's link).
    case confirm = 1
    /// See and change a subscription.
    case manage = 2
    /// Remove a subscription, with one click (the `List-Unsubscribe` URL).
    case unsubscribe = 3
    /// Restore a subscription just removed.
    case undo = 4

    /// The path segment of its links: `/unsubscribe/TOKEN`.
    public var pathSegment: String {
        switch self {
        case .confirm: "confirm"
        case .manage: "manage"
        case .unsubscribe: "unsubscribe"
        case .undo: "undo"
        }
    }
}

/// Signed tokens in the web front door's URLs:
/// `base64url(version | purpose | key id | nonce | masked subject | MAC)`, 62 characters.
///
/// The subject is the id of a subscription or a pending request (ASCII, at most 16 bytes), masked
/// with an HMAC-derived pad so that no id (a bulk import's ids are sequential) can be read from a
/// URL. The nonce is derived from the key and the subject, so a subscription's link for one
/// purpose is the same in every message. The MAC is HMAC-SHA256 over everything before it, cut to
/// 128 bits. A token carries no expiry: a pending request expires in the store, and a token stops
/// working when the key that signed it is forgotten (``TokenKeyRotation``).
public enum WebToken {
    static let version: UInt8 = 1
    static let subjectBytes = 16
    static let nonceBytes = 8
    static let byteCount = 1 + 1 + 4 + nonceBytes + subjectBytes + 16
    /// The length of a token's text.
    package static let textLength = (byteCount * 4 + 2) / 3
    private static let macLabel = Array("concertd web token v1 mac".utf8)
    private static let padLabel = Array("concertd web token v1 pad".utf8)
    private static let nonceLabel = Array("concertd web token v1 nonce".utf8)

    /// Why a token was refused; the pages show one message for all of them.
    public enum Refusal: Error, Hashable, Sendable {
        case malformed
        case wrongPurpose
        case unknownKey
        case badSignature
    }

    /// Whether `subject` can be named by a token: ASCII without NUL, 1 to 16 bytes.
    public static func canName(_ subject: String) -> Bool {
        let bytes = subject.utf8
        return !bytes.isEmpty && bytes.count <= subjectBytes && bytes.allSatisfy { $0 > 0 && $0 < 0x80 }
    }

    /// The token naming `subject` for `purpose`, or nil when the subject cannot be named.
    public static func sign(_ subject: String, for purpose: TokenPurpose, with key: TokenKey) -> String? {
        guard canName(subject) else { return nil }
        var plain = Array(subject.utf8)
        plain += [UInt8](repeating: 0, count: subjectBytes - plain.count)
        let keyID = withUnsafeBytes(of: key.id.bigEndian, Array.init)
        let nonce = Array(HMACSHA256.mac(key: key.secret, nonceLabel, [purpose.rawValue], plain).prefix(nonceBytes))
        let pad = HMACSHA256.mac(key: key.secret, padLabel, nonce)
        var body: [UInt8] = [version, purpose.rawValue] + keyID + nonce
        body += zip(plain, pad).map { $0 ^ $1 }
        let mac = HMACSHA256.mac(key: key.secret, macLabel, body)
        return Base64URL.encode(body + mac.prefix(16))
    }

    /// The key id a token names, to look its key up; nil when the text cannot be a token.
    public static func keyID(of token: some StringProtocol) -> UInt32? {
        guard token.utf8.count == textLength, let bytes = Base64URL.decode(token), bytes.count == byteCount else {
            return nil
        }
        return bytes[2..<6].reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// The subject a token names for `purpose`, checked against the key `key(id)` returns.
    public static func verify(
        _ token: some StringProtocol, for purpose: TokenPurpose, key: (UInt32) -> TokenKey?
    ) -> Result<String, Refusal> {
        guard token.utf8.count == textLength, let bytes = Base64URL.decode(token), bytes.count == byteCount,
            bytes[0] == version, TokenPurpose(rawValue: bytes[1]) != nil
        else { return .failure(.malformed) }
        let id = bytes[2..<6].reduce(0) { $0 << 8 | UInt32($1) }
        guard let key = key(id) else { return .failure(.unknownKey) }
        let macStart = byteCount - 16
        let mac = HMACSHA256.mac(key: key.secret, macLabel, Array(bytes[0..<macStart]))
        guard HMACSHA256.constantTimeEqual(mac.prefix(16), bytes[macStart...]) else {
            return .failure(.badSignature)
        }
        // The purpose is checked after the MAC: a token altered to another purpose is a forgery.
        guard bytes[1] == purpose.rawValue else { return .failure(.wrongPurpose) }
        let nonceStart = 6
        let pad = HMACSHA256.mac(key: key.secret, padLabel, Array(bytes[nonceStart..<nonceStart + nonceBytes]))
        let masked = bytes[(nonceStart + nonceBytes)..<macStart]
        var plain = zip(masked, pad).map { $0 ^ $1 }
        while plain.last == 0 { plain.removeLast() }
        guard !plain.isEmpty, plain.allSatisfy({ $0 > 0 && $0 < 0x80 }) else { return .failure(.malformed) }
        return .success(String(decoding: plain, as: UTF8.self))
    }
}
