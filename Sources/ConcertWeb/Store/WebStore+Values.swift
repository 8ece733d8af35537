import Foundation

/// A text in both languages of the pages.
public struct Localized: Sendable, Hashable {
    public var ko: String
    public var en: String

    public init(ko: String, en: String) {
        self.ko = ko
        self.en = en
    }

    public subscript(language: WebLanguage) -> String {
        switch language {
        case .ko: ko
        case .en: en
        }
    }
}

/// A municipality on the front page and in the forms.
public struct CityListing: Sendable, Hashable {
    /// The catalog's city id (`busan`), the value of the form's `city` field.
    public var id: String
    public var name: Localized
    /// Its next concert that has not ended, if any.
    public var next: ConcertListing?
    /// Without a next one, its last concert, which has ended; nil when it has had none.
    public var last: ConcertListing?

    public init(id: String, name: Localized, next: ConcertListing?, last: ConcertListing? = nil) {
        self.id = id
        self.name = name
        self.next = next
        self.last = last
    }
}

/// A concert as the front page shows it, worded by the store's side (Korea time, weekday).
public struct ConcertListing: Sendable, Hashable {
    /// Date, weekday and time in Korea time (`2019년 10월 24일 (목) 14:00`).
    public var when: Localized
    /// The start for `<time datetime>`: ISO 8601 with `+09:00`, or a date when no time was announced.
    public var machineStart: String
    public var venue: Localized?
    public var speaker: Localized?
    public var cancelled: Bool

    public init(
        when: Localized, machineStart: String, venue: Localized?, speaker: Localized?, cancelled: Bool = false
    ) {
        self.when = when
        self.machineStart = machineStart
        self.venue = venue
        self.speaker = speaker
        self.cancelled = cancelled
    }
}

/// Where reminders go.
public enum WebChannel: Sendable, Hashable {
    case email(String)
    /// A chat channel's incoming-webhook URL and the format it takes (`slack`, `discord`, …).
    case webhook(url: String, format: String)
}

/// What a subscription is for: its cities, offsets (`7d`, `1h`) and language.
public struct SubscriptionSettings: Sendable, Hashable {
    public var cities: [String]
    public var offsets: [String]
    public var language: WebLanguage

    public init(cities: [String], offsets: [String], language: WebLanguage) {
        self.cities = cities
        self.offsets = offsets
        self.language = language
    }
}

/// A request to subscribe, kept until it is confirmed or expires.
public struct PendingSubscription: Sendable, Hashable {
    public var reference: WebReference
    public var channel: WebChannel
    public var settings: SubscriptionSettings
    /// The link of the confirmation message (its token names `reference`).
    public var confirmURL: String
    public var expires: Date
    /// Rate-limit keys: the client (address or IPv6 /64) and the channel, each hashed with a token key.
    public var clientKey: String
    public var channelKey: String

    public init(
        reference: WebReference, channel: WebChannel, settings: SubscriptionSettings, confirmURL: String,
        expires: Date, clientKey: String, channelKey: String
    ) {
        self.reference = reference
        self.channel = channel
        self.settings = settings
        self.confirmURL = confirmURL
        self.expires = expires
        self.clientKey = clientKey
        self.channelKey = channelKey
    }
}

/// How many confirmation messages one client and one channel may cause, and over what window.
public struct ConfirmationLimits: Sendable, Hashable {
    public var perChannel: Int
    public var channelWindow: Duration
    public var perClient: Int
    public var clientWindow: Duration

    public init(perChannel: Int, channelWindow: Duration, perClient: Int, clientWindow: Duration) {
        self.perChannel = perChannel
        self.channelWindow = channelWindow
        self.perClient = perClient
        self.clientWindow = clientWindow
    }
}

public enum SubscriptionRequestOutcome: Sendable, Hashable {
    /// Kept; its confirmation message is queued.
    case queued
    /// A limit is reached: no message; try again after this long.
    case limited(retryAfter: Duration)
    /// The store refused the channel (an address its own checks reject), with the reason.
    case refused(String)
}

public enum ConfirmationOutcome: Sendable, Hashable {
    case confirmed(subscription: WebReference)
    /// Confirmed before: nothing changed.
    case alreadyConfirmed(subscription: WebReference)
    /// Past its expiry (or pruned): nothing changed.
    case expired
    case notFound
}

public enum SubscriptionState: String, Sendable, Hashable {
    case active
    case paused
    /// Disabled by its channel (a webhook answering 410): the manage page can resume it.
    case disabled
    case removed
}

/// A subscription as its manage page shows it.
public struct WebSubscription: Sendable, Hashable {
    public var reference: WebReference
    /// The address or webhook host, masked for display (`k***@example.org`).
    public var maskedChannel: String
    public var settings: SubscriptionSettings
    public var state: SubscriptionState

    public init(
        reference: WebReference, maskedChannel: String, settings: SubscriptionSettings, state: SubscriptionState
    ) {
        self.reference = reference
        self.maskedChannel = maskedChannel
        self.settings = settings
        self.state = state
    }
}

public enum ChangeOutcome: Sendable, Hashable {
    case changed
    /// Removed: a removed subscription stays removed.
    case removed
    case notFound
}

public enum UnsubscribeOutcome: Sendable, Hashable {
    case unsubscribed
    case alreadyUnsubscribed
    case notFound
}

public enum UndoOutcome: Sendable, Hashable {
    case restored(WebReference)
    /// Undone before: the subscription that undo made.
    case alreadyRestored(WebReference)
    /// The subscription was not removed: nothing to undo.
    case notRemoved
    case notFound
}
