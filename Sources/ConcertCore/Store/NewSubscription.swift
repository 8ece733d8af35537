import Foundation

/// A subscription to create: everything but the id, state and creation time.
public struct NewSubscription: Sendable, Hashable {
    public var channel: ChannelAddress
    public var cities: [String]
    public var offsets: [ReminderOffset]
    public var language: Language
    public var label: String?

    /// A webhook's URL takes its normal form (``WebhookURL/normalized(_:)``) here, once: every way
    /// into the store builds a `NewSubscription`, and what reads the channel later (an import's
    /// duplicate check, every send) reads the stored form without normalizing again.
    public init(
        channel: ChannelAddress, cities: [String], offsets: [ReminderOffset] = ReminderOffset.defaults,
        language: Language = .ko, label: String? = nil
    ) {
        if case .webhook(let url, let format, let secret) = channel {
            self.channel = .webhook(url: WebhookURL.normalized(url), format: format, secret: secret)
        } else {
            self.channel = channel
        }
        self.cities = cities
        self.offsets = offsets
        self.language = language
        self.label = label
    }

    /// A subscription whose channel was already put in its normal form by the initializer above:
    /// a staged import line read back at its commit, so that the commit does not normalize each
    /// webhook URL a second time.
    package init(
        normalizedChannel channel: ChannelAddress, cities: [String], offsets: [ReminderOffset],
        language: Language, label: String?
    ) {
        self.channel = channel
        self.cities = cities
        self.offsets = offsets
        self.language = language
        self.label = label
    }
}
