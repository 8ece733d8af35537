/// The parameters of `preview`, all optional: a window of due times, a city, and paging.
public struct PreviewParams: PagedParams, Hashable {
    /// ISO 8601, in the years of ``ParamRange/year``; the daemon's now when absent.
    public var from: String?
    /// ISO 8601, in the years of ``ParamRange/year``; seven days after `from` when absent.
    public var to: String?
    public var city: String?
    /// At most this many in the reply; absent: the whole listing, as for ``SubscriptionsParams/limit``.
    public var limit: Int?
    /// The `cursor` of the previous page; absent for the first.
    public var cursor: String?

    public init(from: String? = nil, to: String? = nil, city: String? = nil, limit: Int? = nil, cursor: String? = nil) {
        self.from = from
        self.to = to
        self.city = city
        self.limit = limit
        self.cursor = cursor
    }
}

/// The result of `preview`: every reminder due in the window, rendered, in due order. Nothing is sent.
public struct PreviewResult: PagedResult, Hashable {
    public var reminders: [PreviewReminder]
    /// The next page's cursor; absent when this page ends the listing.
    public var cursor: String?

    public init(reminders: [PreviewReminder], cursor: String? = nil) {
        self.reminders = reminders
        self.cursor = cursor
    }

    public static let itemsKey = "reminders"
    public var items: [PreviewReminder] { reminders }
}

/// One reminder that would go out, as its receiver would see it.
public struct PreviewReminder: Codable, Sendable, Hashable {
    public var subscription: String
    public var concert: String
    public var offset: String
    public var due: String
    /// The destination, secrets masked.
    public var channel: String
    public var lang: String
    /// The email subject; absent for webhooks.
    public var subject: String?
    /// The rendered text (email body, or the chat message's text).
    public var body: String

    public init(
        subscription: String, concert: String, offset: String, due: String, channel: String, lang: String,
        subject: String? = nil, body: String
    ) {
        self.subscription = subscription
        self.concert = concert
        self.offset = offset
        self.due = due
        self.channel = channel
        self.lang = lang
        self.subject = subject
        self.body = body
    }
}
