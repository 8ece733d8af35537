import Foundation

/// `web_trusted_proxies`: the networks of the reverse proxies whose `X-Forwarded-For` the web
/// front door believes. `none` (the default): the TCP peer is the client.
public struct TrustedProxies: Sendable, Hashable, CustomStringConvertible {
    let networks: [IPNetwork]

    /// No proxy is trusted.
    public static let none = TrustedProxies(networks: [])

    init(networks: [IPNetwork]) {
        self.networks = networks
    }

    /// Reads `none`, or addresses and networks separated by commas: `127.0.0.1, 10.0.0.0/8`.
    init(parsing text: String) throws(ConfigurationValueError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.lowercased() == "none" {
            self = .none
            return
        }
        var networks: [IPNetwork] = []
        for item in trimmed.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" }) {
            var written = String(item)
            if !written.contains("/"), let address = IPAddress(written) {
                written += address.isIPv4 ? "/32" : "/128"
            }
            do throws(IPNetworkError) {
                let network = try IPNetwork(parsing: written)
                if !networks.contains(network) { networks.append(network) }
            } catch {
                throw ConfigurationValueError(error.description)
            }
        }
        guard !networks.isEmpty else { throw ConfigurationValueError("the list is empty: write none") }
        self.networks = networks
    }

    /// Whether the peer address `text` is one of the trusted proxies.
    public func contains(_ text: String) -> Bool {
        guard !networks.isEmpty, let address = IPAddress(text) else { return false }
        let forms = [address, address.embeddedIPv4].compactMap { $0 }
        return networks.contains { network in forms.contains { network.contains($0) } }
    }

    /// Whether `address` is a loopback address (127.0.0.0/8, ::1).
    static func isLoopback(_ address: IPAddress) -> Bool {
        address.isIPv4 ? address.bytes[0] == 127 : address.bytes == [UInt8](repeating: 0, count: 15) + [1]
    }

    public var description: String {
        networks.isEmpty ? "none" : networks.map(\.description).joined(separator: ", ")
    }
}

/// The incoming-webhook hosts of the chat services concertd formats messages for: what
/// `web_webhook_hosts` allows by default (``WebhookHostAllowlist/standard``).
public enum WebWebhookHosts {
    public static let standard = WebhookHostAllowlist.standard
}

extension ConfigurationValueFormat where Value == TrustedProxies {
    /// `none`, or addresses and CIDR networks separated by commas.
    static var trustedProxies: Self {
        Self(
            parse: { (text: String) throws(ConfigurationValueError) -> TrustedProxies in
                try TrustedProxies(parsing: text)
            },
            render: { $0.description }
        )
    }
}

extension ConfigurationValueFormat where Value == [String] {
    /// Host names separated by commas, in lower case: `hooks.slack.com, discord.com`; a name may
    /// start with `*.` (its subdomains) and end with `:port` (`127.0.0.1:8099`).
    static var hostList: Self {
        Self(
            parse: { (text: String) throws(ConfigurationValueError) -> [String] in
                var hosts: [String] = []
                for item in text.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" }) {
                    let entry = item.lowercased()
                    var (host, port) = WebhookHostAllowlist.split(entry)
                    if host.hasPrefix("*.") { host.removeFirst(2) }
                    let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789.-")
                    let portWritten = entry.contains(":")
                    guard !host.isEmpty, host.count <= 253, host.allSatisfy(allowed.contains), !host.hasPrefix("."),
                        !entry.hasSuffix("."), !host.contains(".."), !host.contains("*"),
                        !portWritten || (port.map { (1...65535).contains($0) } ?? false)
                    else {
                        throw ConfigurationValueError(
                            "'\(item)' is not a host name (hooks.slack.com, *.logic.azure.com, 127.0.0.1:8099)")
                    }
                    if !hosts.contains(entry) { hosts.append(entry) }
                }
                guard !hosts.isEmpty else { throw ConfigurationValueError("the list is empty") }
                return hosts
            },
            render: { $0.joined(separator: ", ") }
        )
    }
}

extension ConfigurationValueFormat where Value == String {
    /// The public address of the web front door: `https://…`, or `http://` on a loopback host
    /// (a test, or a proxy on the same machine that adds TLS), with no query, fragment or user.
    static var webBaseURL: Self {
        Self(
            parse: { (text: String) throws(ConfigurationValueError) -> String in
                guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
                    let host = components.host, !host.isEmpty
                else {
                    throw ConfigurationValueError(
                        "'\(text)' is not a URL with a host, such as https://concerts.example.org")
                }
                guard components.user == nil, components.password == nil, components.query == nil,
                    components.fragment == nil
                else { throw ConfigurationValueError("the address may not have a user, a query or a fragment") }
                let bare = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
                switch scheme {
                case "https": break
                case "http":
                    guard bare == "localhost" || IPAddress(bare).map(TrustedProxies.isLoopback) == true else {
                        throw ConfigurationValueError(
                            "http:// is only for a loopback address (127.0.0.1, ::1, localhost): "
                                + "links in email must be https:// to be trusted")
                    }
                default:
                    throw ConfigurationValueError("the address must start with https://")
                }
                guard text.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7f }),
                    !text.contains(where: { "<>\"'`\\^{}|".contains($0) })
                else { throw ConfigurationValueError("the address contains spaces, non-ASCII or unsafe characters") }
                var base = text
                while base.hasSuffix("/") { base.removeLast() }
                return base
            },
            render: { $0 }
        )
    }
}
