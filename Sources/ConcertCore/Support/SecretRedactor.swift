import Foundation

/// The one place that masks secrets before text reaches a log line, an error, a delivery's
/// `last_error` or a listing.
///
/// It hides, in any free text (a libcurl error message that echoes a URL, say):
/// - every URL: http(s) ones as ``WebhookURL/masked(_:)`` shows them (scheme, host, a masked
///   path: chat webhook URLs carry their token in the path or query), `smtp://user:password@…`
///   without its password, any other scheme without its user information, path or query;
/// - Standard Webhooks signing secrets (`whsec_…`), Telegram bot tokens (`123456:AA…`),
///   `Bearer` tokens and `sig=`, `token=`, `key=`, `secret=`, `password=` parameters;
/// - every known secret (the SMTP password, a subscription's URL and secret) wherever it appears;
///   for a known URL, also each token-like part of its path and query, in case a message quotes
///   the URL in pieces.
public struct SecretRedactor: Sendable {
    /// Secrets hidden wherever they appear, longest first so that none is partly revealed.
    public private(set) var knownSecrets: [String] = []

    public init(knownSecrets: [String] = []) {
        for secret in knownSecrets { register(secret) }
    }

    /// A redactor that knows the configuration's secrets (the SMTP password).
    public init(configuration: DaemonConfiguration) {
        self.init(knownSecrets: configuration.secrets)
    }

    /// Adds a secret to hide from now on; an empty string is ignored.
    public mutating func register(_ secret: String) {
        for part in Self.hiddenParts(of: secret) where !knownSecrets.contains(part) {
            knownSecrets.append(part)
        }
        knownSecrets.sort { $0.count > $1.count }
    }

    /// `text` with every secret masked; `extra` are further secrets known only to the caller,
    /// such as the URL and signing secret of the subscription whose send just failed.
    public func redact(_ text: String, alsoHiding extra: [String] = []) -> String {
        var result = Self.maskURLs(in: text)
        result = Self.maskPatterns(in: result)
        let secrets = (knownSecrets + extra.flatMap(Self.hiddenParts)).sorted { $0.count > $1.count }
        for secret in secrets {
            result = result.replacingOccurrences(of: secret, with: Secret.placeholder)
            if let encoded = secret.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed), encoded != secret {
                result = result.replacingOccurrences(of: encoded, with: Secret.placeholder)
            }
        }
        return result
    }

    /// A URL as it may be shown: scheme, host and port, with its user's password, its path and
    /// its query masked (`https://hooks.slack.com/services/***`, `smtp://me@mail.example.com:587`).
    public static func mask(url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return WebhookURL.masked(url) }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        switch scheme {
        case "http", "https":
            return WebhookURL.masked(url)
        case "smtp", "smtps":
            let rest = url[schemeEnd.upperBound...]
            let authorityEnd = rest.firstIndex(where: { "/?#".contains($0) }) ?? rest.endIndex
            var authority = rest[..<authorityEnd]
            var user = ""
            if let at = authority.lastIndex(of: "@") {
                let userInfo = authority[..<at]
                let name = userInfo.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)[0]
                user = String(name) + (userInfo.contains(":") ? ":\(Secret.placeholder)@" : "@")
                authority = authority[authority.index(after: at)...]
            }
            let tail = rest[authorityEnd...]
            return "\(scheme)://\(user)\(authority)" + (tail.isEmpty || tail == "/" ? "" : "/***")
        default:
            return WebhookURL.masked(url)
        }
    }

    /// A secret and, when it is a URL, the token-like parts of its path and query: segments and
    /// values of at least 8 characters that contain a digit or are at least 20 long.
    static func hiddenParts(of secret: String) -> [String] {
        guard !secret.isEmpty else { return [] }
        guard secret.contains("://"), let components = URLComponents(string: secret) else { return [secret] }
        let segments = components.path.split(separator: "/").map(String.init)
        let values = (components.queryItems ?? []).compactMap(\.value)
        let tokens = (segments + values).filter { part in
            part.count >= 8 && (part.count >= 20 || part.contains(where: \.isNumber))
        }
        return [secret] + tokens
    }

    /// Replaces each URL found in free text by ``mask(url:)``.
    static func maskURLs(in text: String) -> String {
        guard text.contains("://") else { return text }
        let schemeCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-")
        let stops = Set(" \t\r\n\"'<>`{}|\\^")
        let trailing = Set(".,;:!?)]")
        var result = ""
        var rest = Substring(text)
        while let separator = rest.range(of: "://") {
            var start = separator.lowerBound
            while start > rest.startIndex, schemeCharacters.contains(rest[rest.index(before: start)]) {
                start = rest.index(before: start)
            }
            while start < separator.lowerBound, !rest[start].isLetter { start = rest.index(after: start) }
            var end = rest[separator.upperBound...].firstIndex(where: stops.contains) ?? rest.endIndex
            while end > separator.upperBound, trailing.contains(rest[rest.index(before: end)]) {
                end = rest.index(before: end)
            }
            result += rest[..<start]
            if start == separator.lowerBound {
                result += rest[start..<separator.upperBound]
            } else {
                result += mask(url: String(rest[start..<end]))
            }
            rest = rest[(start == separator.lowerBound ? separator.upperBound : end)...]
        }
        return result + rest
    }

    /// Masks secrets recognisable by their shape.
    static func maskPatterns(in text: String) -> String {
        var result = text
        // Each pattern only runs when its cheap marker is present: this is on every log line.
        if result.contains("whsec_") {
            result.replace(#/whsec_[A-Za-z0-9+\/=_-]+/#, with: "whsec_***")
        }
        if result.contains(":") {
            result.replace(#/[0-9]{5,}:[A-Za-z0-9_-]{30,}/#, with: Secret.placeholder)
        }
        if result.range(of: "bearer", options: .caseInsensitive) != nil {
            result.replace(#/(?i)\b(bearer)\s+[A-Za-z0-9._~+\/=-]+/#) { match in "\(match.output.1) ***" }
        }
        if result.contains("=") {
            result.replace(
                #/(?i)\b(sig|signature|token|key|secret|password|passwd|access_token|api_key|apikey)=[^&\s"']+/#
            ) { match in "\(match.output.1)=***" }
        }
        return result
    }
}
