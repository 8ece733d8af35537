/// `HOST:PORT` of a TCP listener (`metrics_listen`): an IPv4 address, an IPv6 address in
/// brackets, or a host name, and a port from 0 to 65535 (0: any free port, logged at start).
///
/// Only the form is checked here; whether the address can be bound (in use, not an address of
/// this machine) is found when the daemon starts, which then refuses to start saying why.
public struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
    /// The host as written, without brackets: `127.0.0.1`, `::1`, `localhost`.
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// `host:port`, an IPv6 address in brackets.
    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// Reads `HOST:PORT`; throws a message saying what is wrong with it.
    public init(parsing text: String) throws(ConfigurationValueError) {
        if text.contains("://") {
            throw ConfigurationValueError("'\(text)' is a URL: write only HOST:PORT, such as 127.0.0.1:9464")
        }
        let host: Substring
        let port: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                throw ConfigurationValueError("'\(text)': an IPv6 address in brackets lacks its closing ]")
            }
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else {
                throw ConfigurationValueError("'\(text)' has no port: write HOST:PORT, such as [::1]:9464")
            }
            port = rest.dropFirst()
            guard let address = IPAddress(String(host)), !address.isIPv4, !host.contains("%") else {
                throw ConfigurationValueError("'\(host)' in brackets is not an IPv6 address")
            }
        } else {
            guard let colon = text.lastIndex(of: ":") else {
                // A number alone is a port without its host.
                let missing = !text.isEmpty && text.allSatisfy { $0.isASCII && $0.isNumber } ? "host" : "port"
                throw ConfigurationValueError(
                    "'\(text)' has no \(missing): write HOST:PORT, such as 127.0.0.1:9464 or [::1]:9464")
            }
            host = text[..<colon]
            port = text[text.index(after: colon)...]
            if host.contains(":") {
                throw ConfigurationValueError("'\(text)': write an IPv6 address in brackets, such as [::1]:9464")
            }
            guard !host.isEmpty else {
                throw ConfigurationValueError(
                    "'\(text)' has no host: use 127.0.0.1 for this machine only, or an address of an internal network")
            }
            if IPAddress(String(host)) == nil, host.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }) {
                throw ConfigurationValueError(
                    "'\(host)' is not an IPv4 address (four numbers 0 to 255, such as 127.0.0.1)")
            }
            guard Self.isHostName(host) else {
                throw ConfigurationValueError(
                    "'\(host)' is not an IP address or a host name (letters, digits, - and ., at most 253)")
            }
        }
        guard !port.isEmpty, port.count <= 5, port.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(port),
            number <= 65535
        else {
            throw ConfigurationValueError("'\(port)' is not a port: use 0 to 65535 (0: any free port)")
        }
        self.init(host: String(host), port: number)
    }

    /// Letters, digits and hyphens in dot-separated labels of 1 to 63, at most 253 in all.
    private static func isHostName(_ text: Substring) -> Bool {
        guard text.count <= 253 else { return false }
        let labels = text.split(separator: ".", omittingEmptySubsequences: false)
        return labels.allSatisfy { label in
            !label.isEmpty && label.count <= 63 && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }
    }
}
