/// An IPv4 or IPv6 network in CIDR notation: `169.254.0.0/16`, `fe80::/10`.
public struct IPNetwork: Sendable, Hashable, CustomStringConvertible {
    /// The network's first address (every bit after the prefix is zero).
    let address: IPAddress
    let prefixLength: Int

    /// Reads `address/length`; an address alone is a network of that one address (`/32`, `/128`).
    ///
    /// Refuses, naming what is wrong: an address that is not in standard notation, a prefix
    /// length out of range for the family, and bits set after the prefix (`10.0.0.1/8`: a typo
    /// for `10.0.0.0/8`, or for `10.0.0.1/32`?).
    init(parsing text: String) throws(IPNetworkError) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddress(String(parts[0])), !parts[0].contains("%") else {
            throw IPNetworkError(
                "'\(text)' is not an IPv4 or IPv6 network: write an address and a prefix length, such as "
                    + "169.254.0.0/16 or fe80::/10")
        }
        let bits = address.bytes.count * 8
        var length = bits
        if parts.count == 2 {
            guard !parts[1].isEmpty, parts[1].allSatisfy({ $0.isASCII && $0.isNumber }), parts[1].count <= 3,
                let given = Int(parts[1])
            else {
                throw IPNetworkError("'\(text)': the prefix length after / must be a whole number")
            }
            guard given <= bits else {
                throw IPNetworkError(
                    "'\(text)': the prefix length of an \(address.isIPv4 ? "IPv4" : "IPv6") network is 0 to \(bits)")
            }
            length = given
        }
        let network = Self.masked(address, to: length)
        guard network == address else {
            throw IPNetworkError(
                "'\(text)' has bits set after its /\(length) prefix: write \(network)/\(length) for the network, "
                    + "or \(address) alone for the one address")
        }
        self.address = network
        self.prefixLength = length
    }

    /// A network known to be valid: its address has no bits set after the prefix.
    init(address: IPAddress, prefixLength: Int) {
        precondition(Self.masked(address, to: prefixLength) == address, "bits set after the prefix")
        self.address = address
        self.prefixLength = prefixLength
    }

    /// Whether `address` is in this network; an address of the other family never is.
    func contains(_ other: IPAddress) -> Bool {
        other.bytes.count == address.bytes.count && Self.masked(other, to: prefixLength) == address
    }

    public var description: String { "\(address)/\(prefixLength)" }

    /// `address` with every bit after the first `length` set to zero.
    static func masked(_ address: IPAddress, to length: Int) -> IPAddress {
        var bytes = address.bytes
        for index in bytes.indices {
            let kept = min(max(length - index * 8, 0), 8)
            bytes[index] &= kept == 0 ? 0 : UInt8(truncatingIfNeeded: 0xFF << (8 - kept))
        }
        return IPAddress(bytes: bytes)
    }
}

/// Why a text is not an IP network.
struct IPNetworkError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
