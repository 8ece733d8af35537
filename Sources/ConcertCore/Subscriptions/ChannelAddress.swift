import Foundation

/// Where a subscription's messages go: an email address, or a webhook URL with its format.
public enum ChannelAddress: Sendable, Hashable {
    case email(String)
    /// `format` names the payload (`generic`, `slack`, …); `secret` signs `generic` payloads.
    case webhook(url: String, format: String, secret: String?)

    public var kind: String {
        switch self {
        case .email: "email"
        case .webhook: "webhook"
        }
    }

    /// The key of the per-destination sending limit: the smarthost for email, the URL's host for webhooks.
    public var destination: String {
        switch self {
        case .email: "smtp"
        case .webhook(let url, _, _): WebhookURL.destination(of: url) ?? url
        }
    }

    /// The address itself, used to recognise the same channel subscribed twice: an email address
    /// lowercased, a webhook URL as held. It is what the store keeps and what is sent to.
    ///
    /// A webhook's URL is put in its normal form (``WebhookURL/normalized(_:)``) once, when a
    /// ``NewSubscription`` is made, and stored so (schema v7 rewrote older rows): this is read for
    /// every import line and every send, where normalizing again would cost more than the rest of
    /// the line's work.
    public var target: String {
        switch self {
        case .email(let address): address.lowercased()
        case .webhook(let url, _, _): url
        }
    }
}

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

/// Checks of an email address made when it is subscribed.
public enum EmailAddress {
    /// Why `text` cannot be an email address we send to, or `nil` when it can.
    ///
    /// Accepts the common `local@domain` form in ASCII: libcurl 7.88 does not negotiate SMTPUTF8,
    /// so internationalized addresses cannot be delivered and are refused up front.
    public static func problem(with text: String) -> String? {
        guard text.count <= 254 else { return "the address is longer than 254 characters" }
        guard text.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7f }) else {
            return "'\(text)' contains spaces, control or non-ASCII characters"
        }
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return "'\(text)' must contain exactly one '@'" }
        let local = parts[0]
        let domain = parts[1]
        guard !local.isEmpty, local.count <= 64 else { return "the part before '@' must be 1 to 64 characters" }
        guard local.allSatisfy(localAllowed.contains), !local.hasPrefix("."), !local.hasSuffix("."),
            !local.contains("..")
        else { return "the part before '@' in '\(text)' has characters or dots an address cannot have" }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return "the domain '\(domain)' has no dot: use a full domain name" }
        for label in labels {
            guard !label.isEmpty, label.count <= 63, label.allSatisfy(labelAllowed.contains),
                !label.hasPrefix("-"), !label.hasSuffix("-")
            else { return "the domain '\(domain)' is not a valid host name" }
        }
        return nil
    }

    // Made once, not per address: building them was most of the check's time in a bulk import.
    private static let localAllowed = Set(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+/=?^_`{|}~-.")
    private static let labelAllowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-")
}
