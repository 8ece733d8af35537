extension WebhookURL {
    /// `text` in the normal form of RFC 3986 §6.2.2–6.2.3, so that one webhook written two ways is
    /// one channel: the scheme and host lowercased, percent-escapes with uppercase hex digits and
    /// those of unreserved characters (`A-Z a-z 0-9 - . _ ~`) decoded, `.` and `..` path segments
    /// removed (§5.2.4), an empty or default port (`:80` for http, `:443` for https) and leading
    /// zeros of a port dropped, an empty path written `/`, the fragment (never sent) dropped. A host
    /// that is an IP address is written in its standard notation: an IPv4 address in any form
    /// libcurl reads as one (`127.1`, `0x7f000001`, `2130706433`, `0177.0.0.1`) as the dotted quad,
    /// as libcurl itself sends it; an IPv6 address compressed and lowercased (RFC 5952); an
    /// IPv4-mapped IPv6 address (`[::ffff:127.0.0.1]`), which reaches the same receiver, as its
    /// dotted quad.
    ///
    /// Each step leaves the request the same: a receiver sees the same method, path and query
    /// (libcurl removes dot segments before sending anyway). The path and query keep their letter
    /// case and reserved escapes (`%2F` is not `/`), empty segments (`//` is not `/` in RFC 3986,
    /// and is sent as written) and the query its dots. A host name's trailing dot stays: `chat.`
    /// and `chat` can resolve differently (search domains) and reach another virtual host. A text
    /// that is not an http(s) URL with a host comes back unchanged.
    public static func normalized(_ text: String) -> String {
        guard let schemeEnd = text.range(of: "://") else { return text }
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else { return text }
        var rest = text[schemeEnd.upperBound...]
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        guard !authority.contains("@") else { return text }
        var host = authority
        var port: Substring = ""
        if let colon = authority.lastIndex(of: ":"), !authority[colon...].contains("]") {
            host = authority[..<colon]
            port = authority[authority.index(after: colon)...]
        }
        guard !host.isEmpty else { return text }
        var result = scheme + "://" + standardHost(normalizedEscapes(host).lowercased())
        if !port.isEmpty {
            guard port.allSatisfy({ $0.isASCII && $0.isNumber }) else { return text }
            let digits = port.drop(while: { $0 == "0" })
            let defaultPort = scheme == "https" ? "443" : "80"
            if digits != Substring(defaultPort) { result += ":" + (digits.isEmpty ? "0" : digits) }
        }
        let pathAndQuery = rest[authorityEnd...]
        let queryStart = pathAndQuery.firstIndex(of: "?") ?? pathAndQuery.endIndex
        let path = normalizedEscapes(pathAndQuery[..<queryStart])
        result += removingDotSegments(path.first == "/" ? path : "/" + path)
        return result + normalizedEscapes(pathAndQuery[queryStart...])
    }

    /// A host that is an IP address in its standard notation (see ``normalized(_:)``); any other
    /// host as it is. A host with a trailing dot is a name to libcurl, never an address.
    static func standardHost(_ host: String) -> String {
        if host.hasPrefix("["), host.hasSuffix("]") {
            let inside = String(host.dropFirst().dropLast())
            guard !inside.contains("%"), let address = IPAddress(inside), !address.isIPv4 else { return host }
            if address.bytes[0..<12].elementsEqual(ipv4MappedPrefix) {
                return IPAddress(bytes: Array(address.bytes[12...])).description
            }
            return "[" + address.description + "]"
        }
        guard !host.hasSuffix("."), let address = IPAddress(urlHost: host), address.isIPv4 else { return host }
        return address.description
    }

    /// The first 12 bytes of an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`, RFC 4291 §2.5.5.2).
    private static let ipv4MappedPrefix: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF]

    /// `path` without its `.` and `..` segments, by the algorithm of RFC 3986 §5.2.4 (libcurl's).
    static func removingDotSegments(_ path: String) -> String {
        guard path.contains(".") else { return path }
        var input = Substring(path)
        var output = ""
        func dropLastSegment() {
            if let slash = output.lastIndex(of: "/") { output.removeSubrange(slash...) } else { output = "" }
        }
        while !input.isEmpty {
            if input.hasPrefix("../") {
                input = input.dropFirst(3)
            } else if input.hasPrefix("./") {
                input = input.dropFirst(2)
            } else if input.hasPrefix("/./") {
                input = input.dropFirst(2)
            } else if input == "/." {
                input = "/"
            } else if input.hasPrefix("/../") {
                input = input.dropFirst(3)
                dropLastSegment()
            } else if input == "/.." {
                input = "/"
                dropLastSegment()
            } else if input == "." || input == ".." {
                input = ""
            } else {
                let from = input.first == "/" ? input.index(after: input.startIndex) : input.startIndex
                let end = input[from...].firstIndex(of: "/") ?? input.endIndex
                output += input[..<end]
                input = input[end...]
            }
        }
        return output
    }

    /// `text` with each `%xx` of an unreserved character decoded and the others in uppercase hex.
    private static func normalizedEscapes(_ text: some StringProtocol) -> String {
        guard text.contains("%") else { return String(text) }
        var bytes = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%"), index + 2 < bytes.count, let high = UInt8.hexDigitValue(bytes[index + 1]),
                let low = UInt8.hexDigitValue(bytes[index + 2])
            {
                let value = UInt8(high * 16 + low)
                if unreserved.contains(value) {
                    output.append(value)
                } else {
                    output += [byte, uppercaseHex(bytes[index + 1]), uppercaseHex(bytes[index + 2])]
                }
                index += 3
            } else {
                output.append(byte)
                index += 1
            }
        }
        bytes = output
        return String(decoding: bytes, as: UTF8.self)
    }

    private static let unreserved = Set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)

    private static func uppercaseHex(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte) ? byte - 0x20 : byte
    }
}
