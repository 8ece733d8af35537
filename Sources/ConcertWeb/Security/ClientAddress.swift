import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Who sent a request, for the per-client limits.
///
/// The peer of the TCP connection, unless that peer is a trusted proxy: then the right-most address
/// of `X-Forwarded-For` that is not itself a trusted proxy. A header from any other peer is ignored,
/// since anyone can write one.
struct ClientAddress: Hashable, Sendable, CustomStringConvertible {
    let text: String

    var description: String { text }

    static func resolve(
        peer: String?, forwardedFor: [String], isTrustedProxy: (String) -> Bool
    ) -> ClientAddress {
        guard let peer else { return ClientAddress(text: "unknown") }
        guard isTrustedProxy(peer) else { return ClientAddress(text: peer) }
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }.map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        var client = peer
        for hop in hops.reversed() {
            guard Self.isIPAddress(hop) else { break }
            client = hop
            if !isTrustedProxy(hop) { break }
        }
        return ClientAddress(text: client)
    }

    /// What the per-client limit counts: the address itself for IPv4, its /64 network for IPv6
    /// (one household or host usually has a whole /64).
    var limitSubject: String {
        var address = in6_addr()
        guard text.contains(":"), inet_pton(AF_INET6, text, &address) == 1 else { return text }
        let bytes = withUnsafeBytes(of: &address) { Array($0.prefix(8)) }
        let groups = stride(from: 0, to: 8, by: 2).map {
            String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16)
        }
        return groups.joined(separator: ":") + "::/64"
    }

    static func isIPAddress(_ text: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, text, &v4) == 1 || inet_pton(AF_INET6, text, &v6) == 1
    }
}
