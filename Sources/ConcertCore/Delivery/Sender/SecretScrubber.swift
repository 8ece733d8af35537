import Foundation

/// Removes secrets from texts that leave the sender: libcurl's messages and server replies.
///
/// Webhook URLs carry their token in the path or query, SMTP transfers carry a password; neither may
/// appear in an outcome, an error or a log line.
struct SecretScrubber: Sendable {
    private var replacements: [(secret: String, replacement: String)]

    init(_ replacements: [(secret: String, replacement: String)]) {
        // Longest first, so that a URL is replaced before its own path.
        self.replacements = replacements.filter { $0.secret.count >= 3 }.sorted { $0.secret.count > $1.secret.count }
    }

    /// The secrets of a webhook URL: the URL itself (shown masked), its path and its query.
    static func forURL(_ url: String) -> SecretScrubber {
        var replacements = [(secret: url, replacement: WebhookURL.masked(url))]
        if let components = URLComponents(string: url) {
            for part in [components.percentEncodedPath, components.path] where part.count > 1 {
                replacements.append((part, "/***"))
            }
            if let query = components.percentEncodedQuery { replacements.append((query, "***")) }
        }
        return SecretScrubber(replacements)
    }

    /// The secrets of an SMTP transfer: the password.
    static func forPassword(_ password: String?) -> SecretScrubber {
        SecretScrubber(password.map { [(secret: $0, replacement: "***")] } ?? [])
    }

    func scrub(_ text: String) -> String {
        var text = text
        for (secret, replacement) in replacements where text.contains(secret) {
            text = text.replacingOccurrences(of: secret, with: replacement)
        }
        return text
    }
}
