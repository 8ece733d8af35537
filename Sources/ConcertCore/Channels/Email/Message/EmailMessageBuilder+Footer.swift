import Foundation

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
