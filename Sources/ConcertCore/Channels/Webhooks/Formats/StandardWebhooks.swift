import CCrypto
import Foundation

/// Signing of `generic` webhooks per the Standard Webhooks specification (standardwebhooks.com).
///
/// A secret is `whsec_` followed by the base64 of 24 to 64 random bytes; the HMAC key is those bytes.
/// The signature covers `"<webhook-id>.<webhook-timestamp>.<body>"`, so a receiver can check the
/// body, the id it deduplicates on and the attempt time it bounds replays with. No function here
/// ever puts a secret into an error or a description.
public enum StandardWebhooks {
    /// The prefix that identifies a symmetric Standard Webhooks secret.
    public static let secretPrefix = "whsec_"

    /// The key sizes the specification allows, in bytes.
    public static let keySizes = 24...64

    /// A new secret of `byteCount` random bytes from OpenSSL's CSPRNG: `whsec_` + base64.
    public static func generateSecret(byteCount: Int = 32) -> String {
        precondition(keySizes.contains(byteCount), "a Standard Webhooks secret has 24 to 64 bytes")
        var bytes = [UInt8](repeating: 0, count: byteCount)
        let status = bytes.withUnsafeMutableBufferPointer { RAND_bytes($0.baseAddress, Int32(byteCount)) }
        // RAND_bytes fails only when the CSPRNG cannot be seeded: sending with a weak secret is worse than stopping.
        precondition(status == 1, "OpenSSL's RAND_bytes failed: no secure random source")
        return secretPrefix + Data(bytes).base64EncodedString()
    }

    /// Why `secret` cannot sign webhooks, or `nil` when it can. The reason never quotes the secret.
    ///
    /// The `whsec_` prefix and base64 padding may be left out, as the specification's reference libraries allow.
    public static func problem(withSecret secret: String) -> String? {
        switch decodeKey(secret) {
        case .success: nil
        case .failure(let error): error.description
        }
    }

    /// The `webhook-signature` value `v1,<base64 HMAC-SHA256>` of one attempt.
    ///
    /// The specification asks that `id` and the timestamp not be user-controlled, or at least hold no
    /// `.`: concertd's ids are its own delivery idempotency keys, never text from a subscriber.
    public static func signature(id: String, timestamp: Int64, body: Data, secret: String) throws(WebhookFormatError)
        -> String
    {
        let key = try decodeKey(secret).get()
        var signed = Data("\(id).\(timestamp).".utf8)
        signed.append(body)
        return "v1," + hmacSHA256(key: key, data: signed).base64EncodedString()
    }

    /// The three Standard Webhooks headers of one attempt, in the order they are sent.
    public static func headers(id: String, timestamp: Date, body: Data, secret: String) throws(WebhookFormatError)
        -> [(name: String, value: String)]
    {
        let seconds = Int64(timestamp.timeIntervalSince1970.rounded(.down))
        return [
            (name: "webhook-id", value: id),
            (name: "webhook-timestamp", value: String(seconds)),
            (name: "webhook-signature", value: try signature(id: id, timestamp: seconds, body: body, secret: secret)),
        ]
    }

    static func decodeKey(_ secret: String) -> Result<Data, WebhookFormatError> {
        var encoded = secret.hasPrefix(secretPrefix) ? String(secret.dropFirst(secretPrefix.count)) : secret
        // Like the reference libraries, accept base64 whose `=` padding was left out.
        encoded += String(repeating: "=", count: (4 - encoded.count % 4) % 4)
        guard let key = Data(base64Encoded: encoded) else {
            return .failure(.invalidSecret("the secret is not `whsec_` followed by base64"))
        }
        guard keySizes.contains(key.count) else {
            return .failure(
                .invalidSecret(
                    "the secret holds \(key.count) bytes; Standard Webhooks secrets hold \(keySizes.lowerBound) to "
                        + "\(keySizes.upperBound)"))
        }
        return .success(key)
    }

    static func hmacSHA256(key: Data, data: Data) -> Data {
        var digest = [UInt8](repeating: 0, count: 32)
        let status = key.withUnsafeBytes { keyBytes in
            data.withUnsafeBytes { dataBytes in
                digest.withUnsafeMutableBufferPointer { out in
                    ccrypto_hmac_sha256(
                        keyBytes.baseAddress, Int32(keyBytes.count),
                        dataBytes.bindMemory(to: UInt8.self).baseAddress, dataBytes.count, out.baseAddress)
                }
            }
        }
        // It fails only on allocation failure or an unavailable digest: neither is recoverable here.
        precondition(status == 1, "OpenSSL's HMAC-SHA256 failed")
        return Data(digest)
    }
}
