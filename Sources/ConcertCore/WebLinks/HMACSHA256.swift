import CCrypto

/// Random bytes from OpenSSL's CSPRNG.
public enum RandomBytes {
    public static func make(_ count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let status = bytes.withUnsafeMutableBufferPointer { RAND_bytes($0.baseAddress, Int32(count)) }
        // RAND_bytes fails only when the CSPRNG cannot be seeded: a guessable token is worse than stopping.
        precondition(status == 1, "OpenSSL's RAND_bytes failed: no secure random source")
        return bytes
    }
}

/// HMAC-SHA256 through OpenSSL's libcrypto.
public enum HMACSHA256 {
    public static func mac(key: [UInt8], _ parts: [UInt8]...) -> [UInt8] {
        var data: [UInt8] = []
        data.reserveCapacity(parts.reduce(0) { $0 + $1.count })
        for part in parts { data += part }
        var out = [UInt8](repeating: 0, count: 32)
        let status = key.withUnsafeBufferPointer { keyBytes in
            data.withUnsafeBufferPointer { dataBytes in
                out.withUnsafeMutableBufferPointer { outBytes in
                    ccrypto_hmac_sha256(
                        keyBytes.baseAddress, Int32(keyBytes.count), dataBytes.baseAddress, dataBytes.count,
                        outBytes.baseAddress)
                }
            }
        }
        precondition(status == 1, "OpenSSL's HMAC-SHA256 failed")
        return out
    }

    /// Compares without returning early, so the time taken tells nothing of where they differ.
    public static func constantTimeEqual(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(a, b) { difference |= x ^ y }
        return difference == 0
    }
}
