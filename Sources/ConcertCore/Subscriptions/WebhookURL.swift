import Foundation

/// Checks of a webhook URL made when it is subscribed.
public enum WebhookURL {
    /// Why `text` cannot be a webhook URL, or `nil` when it can.
    public static func problem(with text: String) -> String? {
        guard !text.isEmpty, text.count <= 2048 else { return "the URL is empty or longer than 2048 characters" }
        guard text.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7f }) else {
            return "the URL contains spaces, control or non-ASCII characters; percent-encode them"
        }
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else {
            return "'\(WebhookURL.masked(text))' is not a URL"
        }
        guard scheme == "https" || scheme == "http" else {
            return "the scheme '\(scheme)' is not allowed: webhooks are sent over https (or http)"
        }
        guard let host = components.host, !host.isEmpty else {
            return "the URL has no host"
        }
        if components.user != nil || components.password != nil {
            return "the URL carries a user name or password; put credentials in the path or a secret instead"
        }
        if host.hasSuffix("."), IPAddress(urlHost: host) != nil {
            return "the host '\(host)' is an IP address with a trailing dot, which libcurl looks up as a name "
                + "and never reaches; write the address without the dot"
        }
        return nil
    }

    /// A warning for a URL that sends in clear (`http://`), or `nil`.
    ///
    /// Not a refusal: internal servers without TLS exist. None for a loopback host (`127.0.0.1`,
    /// `::1`, `localhost`): that traffic never leaves the machine.
    public static func plainHTTPWarning(for text: String) -> String? {
        guard let components = URLComponents(string: text), components.scheme?.lowercased() == "http",
            var host = components.host?.lowercased()
        else { return nil }
        if host.hasSuffix(".") { host.removeLast() }
        if host == "localhost" || host.hasSuffix(".localhost") { return nil }
        if let address = IPAddress(urlHost: host), Self.loopback.refusing(address) != nil { return nil }
        return "the webhook URL uses http://: messages and the URL's token cross the network unencrypted, "
            + "readable and changeable on the way; use https:// unless the receiver is on a network you trust"
    }

    /// The loopback networks, as a list to match addresses against.
    private static let loopback = AddressDenyList(networks: [
        IPNetwork(address: IPAddress(bytes: [127, 0, 0, 0]), prefixLength: 8),
        IPNetwork(address: IPAddress(bytes: Array(repeating: 0, count: 15) + [1]), prefixLength: 128),
    ])

    /// `host[:port]` of a URL, lowercased.
    public static func destination(of text: String) -> String? {
        guard let components = URLComponents(string: text), let host = components.host?.lowercased() else {
            return nil
        }
        if let port = components.port { return "\(host):\(port)" }
        return host
    }

    /// Scheme, host and a masked path: `https://hooks.slack.com/services/T0…/***`.
    ///
    /// Chat webhook URLs carry their token in the path or query, so only the first of several path
    /// segments is kept (shortened when long) and the rest is replaced by `***`.
    public static func masked(_ text: String) -> String {
        guard let components = URLComponents(string: text), let scheme = components.scheme,
            let host = components.host
        else { return "<unparseable URL>" }
        var result = "\(scheme)://\(host)"
        if let port = components.port { result += ":\(port)" }
        let segments = components.path.split(separator: "/")
        if segments.count == 1 {
            // A sole segment (an ntfy topic, say) may be the secret itself.
            result += "/***"
        } else if let first = segments.first {
            let shown =
                first.count > 12 || first.lowercased().hasPrefix("bot") ? String(first.prefix(3)) + "…" : String(first)
            result += "/" + shown + "/***"
        }
        if components.query != nil { result += "?***" }
        return result
    }
}
