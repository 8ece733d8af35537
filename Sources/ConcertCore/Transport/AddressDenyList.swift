import Foundation

/// The networks webhooks may not connect to (`webhook_deny`).
///
/// The transport checks each address a webhook host resolved to just before libcurl connects to it,
/// and the address of a reused connection before each request: a host name cannot get around
/// the list by resolving, or later re-resolving, to a denied address. An IPv6 address that
/// reaches an IPv4 address (IPv4-mapped `::ffff:a.b.c.d`, NAT64 `64:ff9b::a.b.c.d`) is also
/// checked as that IPv4 address, and the unspecified addresses (`0.0.0.0`, `::`) as the loopback
/// address Linux connects them to.
///
/// Behind a proxy (`https_proxy` in the daemon's environment) the address checked is the
/// proxy's: the proxy must enforce its own rules.
public struct AddressDenyList: Sendable, Hashable, CustomStringConvertible {
    let networks: [IPNetwork]

    init(networks: [IPNetwork]) {
        self.networks = networks
    }

    /// Every address allowed (`webhook_deny = none`).
    public static let none = AddressDenyList(networks: [])

    /// The default: the link-local networks, where cloud machines reach their instance metadata
    /// and credentials (`169.254.169.254`, `fe80::…`). Loopback and private networks stay
    /// allowed: internal chat servers (Mattermost) are common.
    public static let linkLocal = AddressDenyList(networks: [
        IPNetwork(address: IPAddress(bytes: [169, 254, 0, 0]), prefixLength: 16),
        IPNetwork(address: IPAddress(bytes: [0xFE, 0x80] + Array(repeating: 0, count: 14)), prefixLength: 10),
    ])

    /// Reads `none`, or networks separated by commas (or spaces): `169.254.0.0/16, fe80::/10`.
    init(parsing text: String) throws(IPNetworkError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.lowercased() == "none" {
            self = .none
            return
        }
        let items = trimmed.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" })
        guard !items.isEmpty else {
            throw IPNetworkError("the list is empty: write none to allow every address")
        }
        var networks: [IPNetwork] = []
        for item in items {
            guard item.lowercased() != "none" else {
                throw IPNetworkError("none stands alone: it cannot be listed with networks")
            }
            let network = try IPNetwork(parsing: String(item))
            if !networks.contains(network) { networks.append(network) }
        }
        self.networks = networks
    }

    /// The network of the list that refuses a connection to `address`, or `nil` when it is allowed.
    func refusing(_ address: IPAddress) -> IPNetwork? {
        guard !networks.isEmpty else { return nil }
        for form in [address, address.embeddedIPv4].compactMap({ $0 }) {
            for candidate in [form, form.connectedAddress] {
                if let network = networks.first(where: { $0.contains(candidate) }) { return network }
            }
        }
        return nil
    }

    /// Why a webhook URL is refused at subscribe time: its host is an address the list refuses.
    /// Host names are resolved only when sending (the transport checks what they resolve to then).
    public func problem(withURL url: String) -> String? {
        guard !networks.isEmpty, let host = URLComponents(string: url)?.host, let address = IPAddress(urlHost: host),
            let network = refusing(address)
        else { return nil }
        return "the host \(host) is in \(network), which webhook_deny refuses"
    }

    /// `none`, or the networks separated by `, ` as the configuration file writes them.
    public var description: String {
        networks.isEmpty ? "none" : networks.map(\.description).joined(separator: ", ")
    }
}
