/// Lowercase base-32 random identifiers (no 0/1/l/o, so they read aloud well).
public enum RandomID {
    static let alphabet = Array("23456789abcdefghijkmnpqrstuvwxyz")

    /// `length` characters of 5 random bits each (one `getrandom` call per 12 characters).
    public static func make(length: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        var bits: UInt64 = 0
        var available = 0
        var result = ""
        result.reserveCapacity(length)
        for _ in 0..<length {
            if available < 5 {
                bits = generator.next()
                available = 64
            }
            result.append(alphabet[Int(bits & 31)])
            bits >>= 5
            available -= 5
        }
        return result
    }
}
