import Foundation

extension EmailMessageBuilder {
    /// The message's header fields, each ending in CRLF, in the order people read them.
    func headers(_ message: OutboundMessage, content: EmailContent, recipient: String, boundary: String) -> String {
        var fields = [
            MailHeader.field("Date", MailHeader.date(message.now)),
            MailHeader.mailbox("From", address: settings.fromAddress, displayName: settings.fromName),
        ]
        if let replyTo = settings.replyTo {
            fields.append(MailHeader.mailbox("Reply-To", address: replyTo, displayName: settings.replyToName))
        }
        fields += [
            MailHeader.field("To", recipient),
            MailHeader.unstructured("Subject", content.subject),
            MailHeader.field("Message-ID", messageID(for: message.delivery)),
            MailHeader.field("MIME-Version", "1.0"),
            MailHeader.field("Content-Language", message.subscription.language.rawValue),
            // RFC 3834: no vacation replies; Exchange's own header says the same to Outlook.
            MailHeader.field("Auto-Submitted", "auto-generated"),
            MailHeader.field("X-Auto-Response-Suppress", ["OOF,", "AutoReply"]),
        ]
        let unsubscribe = unsubscribeURIs(subscriptionID: message.subscription.id)
        if !unsubscribe.isEmpty {
            let tokens = unsubscribe.enumerated().map { "<\($1)>" + ($0 < unsubscribe.count - 1 ? "," : "") }
            fields.append(MailHeader.field("List-Unsubscribe", tokens))
        }
        // One-click (RFC 8058) over https; the front door's own link also on a loopback http:// base
        // URL (`web_base_url` allows no other), so a test setup sends what production sends.
        if unsubscribe.contains(where: { $0.hasPrefix("https:") })
            || settings.webLinks.map({ links in unsubscribe.contains { $0.hasPrefix(links.baseURL + "/") } }) == true
        {
            fields.append(MailHeader.field("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"))
        }
        fields.append(MailHeader.field("Content-Type", ["multipart/mixed;", "boundary=\"\(boundary)\""]))
        return fields.joined()
    }

    /// The `mailto:` and `https:` URIs of `List-Unsubscribe` (RFC 2369, RFC 8058), mailto first.
    func unsubscribeURIs(subscriptionID: String) -> [String] {
        let id = subscriptionID.addingPercentEncoding(withAllowedCharacters: Self.unreserved) ?? subscriptionID
        var uris: [String] = []
        if let address = settings.unsubscribeMailto {
            uris.append("mailto:\(address)?subject=unsubscribe%20\(id)")
        }
        if let webLink = settings.webLinks?.url(.unsubscribe, subject: subscriptionID) {
            uris.append(webLink)
        } else if let template = settings.unsubscribeURLTemplate {
            uris.append(template.replacingOccurrences(of: EmailSettings.subscriptionPlaceholder, with: id))
        }
        return uris
    }

    /// RFC 3986 unreserved characters: what a subscription id may keep in a URI.
    private static let unreserved = CharacterSet(
        charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
}
