import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// An IPv4 or IPv6 address: its 4 or 16 bytes in network order.
public struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    let bytes: [UInt8]

    var isIPv4: Bool { bytes.count == 4 }

    init(bytes: [UInt8]) {
        precondition(bytes.count == 4 || bytes.count == 16, "an IP address has 4 or 16 bytes")
        self.bytes = bytes
    }

    /// An address in its standard notation: `169.254.169.254`, or `fe80::1` (in brackets or not,
    /// with or without a `%zone`). Anything else, the legacy IPv4 forms included, is `nil`.
    init?(_ text: String) {
        var text = Substring(text)
        if text.hasPrefix("["), text.hasSuffix("]") { text = text.dropFirst().dropLast() }
        if let zone = text.firstIndex(of: "%"), text.contains(":") { text = text[..<zone] }
        var v4 = in_addr()
        if inet_pton(AF_INET, String(text), &v4) == 1 {
            self.init(bytes: withUnsafeBytes(of: &v4) { Array($0) })
            return
        }
        var v6 = in6_addr()
        guard text.contains(":"), inet_pton(AF_INET6, String(text), &v6) == 1 else { return nil }
        self.init(bytes: withUnsafeBytes(of: &v6) { Array($0) })
    }

    /// The address a URL's host names when it is an address, read as libcurl reads it: besides
    /// the standard notations, the legacy IPv4 forms `inet_aton` accepts and libcurl normalises
    /// (`2852039166`, `0xa9.0xfe.0xa9.0xfe`, `169.254.43518`), with or without a trailing dot.
    /// A host name is `nil`.
    init?(urlHost host: String) {
        // A trailing dot makes a name absolute; libcurl drops it.
        let host = host.hasSuffix(".") ? String(host.dropLast()) : host
        if let address = IPAddress(host) {
            self = address
            return
        }
        guard !host.isEmpty, host.allSatisfy({ $0.isHexDigit || $0 == "." || $0 == "x" || $0 == "X" }) else {
            return nil
        }
        var v4 = in_addr()
        guard inet_aton(host, &v4) != 0 else { return nil }
        self.init(bytes: withUnsafeBytes(of: &v4) { Array($0) })
    }

    /// The address of an `AF_INET` or `AF_INET6` socket address of `length` bytes; `nil` for other families.
    init?(socketAddress: UnsafeRawPointer, length: Int) {
        let family = Int32(socketAddress.load(as: sockaddr.self).sa_family)
        switch family {
        case AF_INET where length >= MemoryLayout<sockaddr_in>.size:
            var address = socketAddress.loadUnaligned(as: sockaddr_in.self).sin_addr
            self.init(bytes: withUnsafeBytes(of: &address) { Array($0) })
        case AF_INET6 where length >= MemoryLayout<sockaddr_in6>.size:
            var address = socketAddress.loadUnaligned(as: sockaddr_in6.self).sin6_addr
            self.init(bytes: withUnsafeBytes(of: &address) { Array($0) })
        default:
            return nil
        }
    }

    /// The IPv4 address an IPv6 address reaches: an IPv4-mapped address (`::ffff:a.b.c.d`) or
    /// one under the NAT64 well-known prefix (`64:ff9b::a.b.c.d`).
    var embeddedIPv4: IPAddress? {
        guard bytes.count == 16 else { return nil }
        let mapped: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF]
        let nat64: [UInt8] = [0, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0]
        let head = Array(bytes[0..<12])
        guard head == mapped || head == nat64 else { return nil }
        return IPAddress(bytes: Array(bytes[12..<16]))
    }

    /// The address a connection to this one reaches on Linux: the unspecified addresses
    /// (`0.0.0.0`, `::`) connect to the loopback address of their family; any other is itself.
    var connectedAddress: IPAddress {
        guard bytes.allSatisfy({ $0 == 0 }) else { return self }
        return isIPv4 ? IPAddress(bytes: [127, 0, 0, 1]) : IPAddress(bytes: Array(repeating: 0, count: 15) + [1])
    }

    /// `169.254.169.254`, `fe80::1`, `::ffff:169.254.169.254`.
    public var description: String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let family = isIPv4 ? AF_INET : AF_INET6
        let written = bytes.withUnsafeBytes { raw in
            inet_ntop(family, raw.baseAddress, &buffer, socklen_t(buffer.count))
        }
        guard written != nil else { return bytes.map(String.init).joined(separator: ".") }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
