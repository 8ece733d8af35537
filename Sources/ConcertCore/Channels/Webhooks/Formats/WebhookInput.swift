import Foundation

/// Everything a format needs to build one attempt's request.
public struct WebhookInput: Sendable {
    public var message: OutboundMessage
    public var rendered: RenderedMessage
    public var url: String
    /// The subscription's signing secret (`whsec_…`), used by `generic` only.
    public var secret: String?
    /// The wall-clock time of this attempt, for `webhook-timestamp`. Not `message.now`, which follows
    /// the scheduler's (possibly shifted) clock: receivers reject timestamps far from their own time.
    public var attemptTime: Date
    /// The subscription's unsubscribe and manage links, when the web front door is on: the chat
    /// formats end the message with them, in their own link syntax.
    public var links: SubscriberLinks?

    public init(
        message: OutboundMessage, rendered: RenderedMessage, url: String, secret: String?, attemptTime: Date,
        links: SubscriberLinks? = nil
    ) {
        self.message = message
        self.rendered = rendered
        self.url = url
        self.secret = secret
        self.attemptTime = attemptTime
        self.links = links
    }
}
