/// `web_webhook_hosts`: the hosts a webhook URL subscribed from the web front door may name.
///
/// An entry is a host name (`hooks.slack.com`), a wildcard for its subdomains (`*.logic.azure.com`,
/// not `logic.azure.com` itself) or either with a port (`127.0.0.1:8099`). The URL's host is read
/// from its own text, not decoded: a user part (`https://hooks.slack.com@evil.example/`), a
/// percent-escape or anything but letters, digits, dots and hyphens in the host is refused, so that
/// no spelling of another host passes for an allowed one. Host names compare in lower case with one
/// trailing dot dropped (`hooks.slack.com.` is the same absolute name); an internationalized name
/// must be written, and listed, in its punycode form (`xn--…`), since `WebhookURL` refuses
/// non-ASCII URLs. Without a port in the entry the URL must use its scheme's default port.
/// `https` is required, except on a loopback host (`127.0.0.1`, `::1`, `localhost`), for tests and
/// local relays. The transport's `webhook_deny` still applies to each address at send time.
public enum WebhookHostAllowlist {
    /// Why `url` may not be subscribed from the web with `hosts` allowed, or nil when it may.
    public static func problem(with url: String, hosts: [String]) -> Refusal? {
        guard let schemeEnd = url.range(of: "://") else { return .malformed }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        let rest = url[schemeEnd.upperBound...]
        let authority = rest.prefix { !"/?#".contains($0) }
        guard !authority.contains("@") else { return .malformed }
        var host = Substring(authority)
        var port: Int?
        if let colon = authority.lastIndex(of: ":"), !authority[colon...].contains("]") {
            host = authority[..<colon]
            let digits = authority[authority.index(after: colon)...]
            guard !digits.isEmpty, digits.count <= 5, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
                let number = Int(digits), (1...65535).contains(number)
            else { return .malformed }
            port = number
        }
        var name = host.lowercased()
        if name.hasSuffix(".") { name.removeLast() }
        let hostCharacters = Set("abcdefghijklmnopqrstuvwxyz0123456789.-")
        let bracketed = name.hasPrefix("[") && name.hasSuffix("]")
        guard !name.isEmpty, bracketed || name.allSatisfy(hostCharacters.contains), !name.contains("..") else {
            return .malformed
        }
        let loopback = isLoopback(name)
        switch scheme {
        case "https": break
        case "http" where loopback: break
        default: return .notHTTPS
        }
        let defaultPort = scheme == "https" ? 443 : 80
        let allowed = hosts.contains { entry in
            let (entryHost, entryPort) = split(entry)
            if let entryPort {
                guard (port ?? defaultPort) == entryPort else { return false }
            } else if let port, port != defaultPort {
                return false
            }
            if entryHost.hasPrefix("*.") { return name.hasSuffix(entryHost.dropFirst()) }
            return name == entryHost
        }
        return allowed ? nil : .hostNotAllowed(port.map { "\(name):\($0)" } ?? name)
    }

    /// Why a URL was refused; none quotes more of the URL than its host.
    public enum Refusal: Sendable, Hashable, CustomStringConvertible {
        /// Not a URL whose host can be read plainly (a user part, an escape, a bad port).
        case malformed
        /// `http://` to a host that is not a loopback address.
        case notHTTPS
        /// The host (with its port, when one is written) is not on the list.
        case hostNotAllowed(String)

        public var description: String {
            switch self {
            case .malformed: "the URL's host cannot be read plainly (a user name, an escape or a bad port)"
            case .notHTTPS: "the URL must start with https://"
            case .hostNotAllowed(let host): "the host \(host) is not one of web_webhook_hosts"
            }
        }
    }

    /// An entry's host (lowercased, without a trailing dot) and port.
    static func split(_ entry: String) -> (host: String, port: Int?) {
        var host = entry.lowercased()
        var port: Int?
        if let colon = host.lastIndex(of: ":"), !host[colon...].contains("]"),
            let number = Int(host[host.index(after: colon)...])
        {
            port = number
            host = String(host[..<colon])
        }
        if host.hasSuffix(".") { host.removeLast() }
        return (host, port)
    }

    private static func isLoopback(_ host: String) -> Bool {
        if host == "localhost" || host == "[::1]" { return true }
        guard let address = IPAddress(urlHost: host), address.isIPv4 else { return false }
        return address.bytes[0] == 127
    }

    /// The incoming-webhook hosts of the chat services concertd formats messages for: Slack,
    /// Discord, Microsoft Teams (Workflows on Logic Apps and Power Platform; the retired Office 365
    /// connectors), Google Chat, Telegram, Dooray!, JANDI and KakaoWork. Mattermost runs on each
    /// customer's own host: add it.
    public static let standard = [
        "hooks.slack.com", "discord.com", "discordapp.com", "ptb.discord.com", "canary.discord.com",
        "*.logic.azure.com", "*.powerplatform.com", "*.webhook.office.com", "chat.googleapis.com",
        "api.telegram.org", "hook.dooray.com", "wh.jandi.com", "kakaowork.com",
    ]
}
