import Foundation

/// Someone who wants reminders of the concerts of some cities, by email or on a chat channel.
public struct Subscription: Sendable, Hashable, Identifiable {
    public var id: String
    public var channel: ChannelAddress
    public var cities: [String]
    public var offsets: [ReminderOffset]
    public var language: Language
    public var label: String?
    public var state: State
    /// Why the subscription is paused, disabled or removed.
    public var stateReason: String?
    public var createdAt: Date

    public enum State: String, Codable, Sendable, CaseIterable {
        case active
        case paused
        /// Turned off by concertd itself, for example after a webhook answered 410 Gone.
        case disabled
        case removed

        /// Why the pending rows of a subscription in this state are skipped (when it stops, or
        /// when one falls due): `nil` while it is active. One that becomes active again is planned anew.
        public var skipReason: Delivery.SkipReason? {
            switch self {
            case .active: nil
            case .paused: .paused
            case .disabled: .disabled
            case .removed: .removed
            }
        }
    }

    public init(
        id: String, channel: ChannelAddress, cities: [String], offsets: [ReminderOffset],
        language: Language, label: String? = nil, state: State = .active, stateReason: String? = nil,
        createdAt: Date
    ) {
        self.id = id
        self.channel = channel
        self.cities = cities
        self.offsets = offsets
        self.language = language
        self.label = label
        self.state = state
        self.stateReason = stateReason
        self.createdAt = createdAt
    }

    /// A new random id such as `sub-k3m9q2xw7d`.
    public static func makeID() -> String {
        "sub-" + RandomID.make(length: 10)
    }
}
