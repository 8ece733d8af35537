import Foundation

/// The links every email ends with when the web front door is on: unsubscribe and manage.
struct EmailFooter: Sendable, Hashable {
    var unsubscribeURL: String
    var manageURL: String
}

extension EmailMessageBuilder {
    /// The footer of `message`: its subscription's links, when the settings have web links and a
    /// key to sign them.
    func footer(for message: OutboundMessage) -> EmailFooter? {
        let id = message.subscription.id
        guard let links = settings.webLinks, let unsubscribe = links.url(.unsubscribe, subject: id),
            let manage = links.url(.manage, subject: id)
        else { return nil }
        return EmailFooter(unsubscribeURL: unsubscribe, manageURL: manage)
    }
}

extension EmailContent {
    /// This content with the footer's links after the text and the HTML, in `language`: added by
    /// the builder, so templates an operator edited still carry them.
    func ending(with footer: EmailFooter, language: Language) -> EmailContent {
        let (unsubscribe, manage) =
            switch language {
            case .ko: ("수신 거부", "알림 설정 바꾸기")
            case .en: ("Unsubscribe", "Manage your reminders")
            }
        var copy = self
        copy.body += "\n\n-- \n\(unsubscribe): \(footer.unsubscribeURL)\n\(manage): \(footer.manageURL)\n"
        let links =
            "<hr><p><a href=\"\(footer.unsubscribeURL)\">\(unsubscribe)</a> · "
            + "<a href=\"\(footer.manageURL)\">\(manage)</a></p>"
        if let close = copy.html.range(of: "</body>", options: [.caseInsensitive, .backwards]) {
            copy.html.insert(contentsOf: links + "\n", at: close.lowerBound)
        } else {
            copy.html += "\n" + links
        }
        return copy
    }
}
