import Foundation

/// A subscription to create: everything but the id, state and creation time.
public struct NewSubscription: Sendable, Hashable {
    public var channel: ChannelAddress
    public var cities: [String]
    public var offsets: [ReminderOffset]
    public var language: Language
    public var label: String?

    public init(
        channel: ChannelAddress, cities: [String], offsets: [ReminderOffset] = ReminderOffset.defaults,
        language: Language = .ko, label: String? = nil
    ) {
        self.channel = channel
        self.cities = cities
        self.offsets = offsets
        self.language = language
        self.label = label
    }
}
