import Foundation

extension EmailMessageBuilder {
    /// The footer of `message`: its subscription's links, when the settings have web links and a
    /// key to sign them.
    func footer(for message: OutboundMessage) -> SubscriberLinks? {
        settings.webLinks?.subscriberLinks(for: message.subscription.id)
    }
}
