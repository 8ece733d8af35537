import Foundation

extension WebhookURL {
    /// `text` in the normal form of RFC 3986 §6.2.2–6.2.3, so that one webhook written two ways is
    /// one channel: the scheme and host lowercased, percent-escapes with uppercase hex digits and
    /// those of unreserved characters (`A-Z a-z 0-9 - . _ ~`) decoded, an empty or default port
    /// (`:80` for http, `:443` for https) and leading zeros of a port dropped, an empty path
    /// written `/`, the fragment (never sent) dropped.
    ///
    /// Each step leaves the request the same: a receiver sees the same method, path and query. The
    /// path and query keep their letter case and reserved escapes (`%2F` is not `/`). A host's
    /// trailing dot stays: `chat.` and `chat` can resolve differently (search domains) and reach
    /// another virtual host. A text that is not an http(s) URL with a host comes back unchanged.
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
        var result = scheme + "://" + normalizedEscapes(host).lowercased()
        if !port.isEmpty {
            guard port.allSatisfy({ $0.isASCII && $0.isNumber }) else { return text }
            let digits = port.drop(while: { $0 == "0" })
            let defaultPort = scheme == "https" ? "443" : "80"
            if digits != Substring(defaultPort) { result += ":" + (digits.isEmpty ? "0" : digits) }
        }
        let pathAndQuery = rest[authorityEnd...]
        if pathAndQuery.first != "/" { result += "/" }
        return result + normalizedEscapes(pathAndQuery)
    }

    /// `text` with each `%xx` of an unreserved character decoded and the others in uppercase hex.
    private static func normalizedEscapes(_ text: Substring) -> String {
        guard text.contains("%") else { return String(text) }
        var bytes = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%"), index + 2 < bytes.count, let high = hexDigit(bytes[index + 1]),
                let low = hexDigit(bytes[index + 2])
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

    private static func hexDigit(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): Int(byte - UInt8(ascii: "a")) + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): Int(byte - UInt8(ascii: "A")) + 10
        default: nil
        }
    }

    private static func uppercaseHex(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte) ? byte - 0x20 : byte
    }
}
