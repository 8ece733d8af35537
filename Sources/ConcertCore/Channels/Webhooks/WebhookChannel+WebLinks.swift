import Foundation

extension WebhookChannel {
    /// A channel whose requests are the subscriptions' formats, with the words `renderer` writes,
    /// ending with each subscription's unsubscribe and manage links that `webLinks` signs (none
    /// while it has no key, and none for `generic`, whose receiver is a program).
    public convenience init(
        settings: WebhookSettings, renderer: MessageRenderer, transport: CurlTransport, webLinks: WebLinks?
    ) {
        self.init(settings: settings, transport: transport) { message in
            try WebhookFormatRegistry.request(
                for: message, rendered: renderer.render(message), attemptTime: Date(),
                links: webLinks?.subscriberLinks(for: message.subscription.id))
        }
    }
}
