import ConcertCore
import ConcertProtocol
import Foundation

/// A `subscribe` request checked against the catalog and the configuration: a wrong city, a
/// malformed URL or address, an unknown format or bad offsets are refused naming the parameter.
struct SubscriptionRequest {
    var subscription: NewSubscription
    /// The signing secret the daemon generated, returned once.
    var generatedSecret: String?
    var warnings: [String]

    /// `concerts` are the stored concerts when the caller has already read them (a bulk import
    /// checks many requests against one read); `nil` reads them here.
    /// `offsetLists` remembers the offset lists parsed for the earlier lines of an import.
    init(
        _ params: SubscribeParams, daemon: Daemon, concerts: [StoredConcert]? = nil,
        offsetLists: OffsetListMemo? = nil
    ) throws(ControlError) {
        let configuration = daemon.resolved.configuration
        guard !params.cities.isEmpty else { throw .invalidInput("name at least one city", field: "cities") }
        var cities: [String] = []
        for name in params.cities {
            let city = try DaemonControlHandler.resolveCity(name, field: "cities", daemon: daemon)
            if !cities.contains(city.id) { cities.append(city.id) }
        }
        let channel: ChannelAddress
        switch (params.email, params.webhook) {
        case (let address?, nil):
            guard configuration.smtpURL != nil else {
                throw .invalidInput(
                    "email reminders are off on this daemon: no smtp_url is configured; subscribe a webhook, "
                        + "or ask the administrator to set smtp_url and mail_from", field: "email")
            }
            if let problem = EmailAddress.problem(with: address) {
                throw .invalidInput("invalid email address: \(problem)", field: "email")
            }
            if params.format != nil || params.secret != nil {
                throw .invalidInput("--format and --secret apply to webhooks only", field: "format")
            }
            channel = .email(address)
        case (nil, let url?):
            if let problem = WebhookURL.problem(with: url) {
                throw .invalidInput("invalid webhook URL: \(problem)", field: "webhook")
            }
            if let problem = configuration.webhookDeny.problem(withURL: url) {
                throw .invalidInput("invalid webhook URL: \(problem)", field: "webhook")
            }
            let format: any WebhookFormat
            do {
                format = try WebhookFormatRegistry.resolve(name: params.format, url: url)
            } catch {
                throw .invalidInput(error.description, field: "format")
            }
            if let problem = format.problem(withURL: url) {
                throw .invalidInput("invalid \(format.name) webhook URL: \(problem)", field: "webhook")
            }
            var secret = params.secret
            if let given = secret {
                guard format.needsSecret else {
                    throw .invalidInput(
                        "the \(format.name) format is not signed; --secret applies to generic", field: "secret")
                }
                if let problem = StandardWebhooks.problem(withSecret: given) {
                    // `problem` names the secret itself ("invalid webhook secret: ...").
                    throw .invalidInput(problem, field: "secret")
                }
            } else if format.needsSecret {
                secret = StandardWebhooks.generateSecret()
                generatedSecret = secret
            }
            channel = .webhook(url: url, format: format.name, secret: secret)
        case (nil, nil):
            throw .invalidInput("give an email address or a webhook URL", field: "email")
        case (_?, _?):
            throw .invalidInput("give an email address or a webhook URL, not both", field: "webhook")
        }
        var offsets = configuration.defaultReminders
        if let before = params.before {
            do {
                offsets = try (offsetLists ?? OffsetListMemo()).parse(before.joined(separator: ","))
            } catch {
                if error.tooMany { throw .invalidParams(error.description, field: "before") }
                throw .invalidInput(error.description, field: "before")
            }
        }
        var language = configuration.defaultLanguage
        if let lang = params.lang {
            guard let parsed = Language(rawValue: lang.lowercased()) else {
                throw .invalidInput("unknown language '\(lang)'; use ko or en", field: "lang")
            }
            language = parsed
        }
        if let label = params.label, label.count > 200 {
            throw .invalidInput("the label is longer than 200 characters", field: "label")
        }
        subscription = NewSubscription(
            channel: channel, cities: cities, offsets: offsets, language: language, label: params.label)
        let now = daemon.clock.now()
        let concerts = concerts ?? (try? daemon.database.concerts()) ?? []
        warnings = cities.compactMap { city in
            let upcoming = concerts.contains {
                $0.concert.cities.contains(city) && $0.concert.status == .scheduled
                    && $0.concert.schedule.reminderDeadline > now
            }
            return upcoming ? nil : "\(city) has no upcoming concert; you will be told when one is added"
        }
        if case .webhook(let url, _, _) = channel, let warning = WebhookURL.plainHTTPWarning(for: url) {
            warnings.append(warning)
        }
    }
}

/// The offset lists of an import's lines, each parsed once: the lines of an import mostly repeat
/// a few lists, and parsing one costs two fifths of the time to check a line. One per thread.
final class OffsetListMemo {
    private var parsed: [String: Result<[ReminderOffset], OffsetListError>] = [:]

    /// `ReminderOffset.parseList(text)`, remembered for the next line with the same text.
    func parse(_ text: String) throws(OffsetListError) -> [ReminderOffset] {
        if let known = parsed[text] { return try known.get() }
        let result = Result { () throws(OffsetListError) in try ReminderOffset.parseList(text) }
        // Bounded, for a file whose every line has a list of its own.
        if parsed.count < 256 { parsed[text] = result }
        return try result.get()
    }
}

extension SubscriptionInfo {
    init(_ subscription: Subscription) {
        var format: String?
        let channel: String
        switch subscription.channel {
        case .email(let address):
            channel = address
        case .webhook(let url, let f, _):
            channel = WebhookURL.masked(url)
            format = f
        }
        self.init(
            id: subscription.id, cities: subscription.cities, kind: subscription.channel.channelKind, channel: channel,
            format: format, before: subscription.offsets.map(\.description), lang: subscription.language.rawValue,
            label: subscription.label, state: subscription.state.rawValue, stateReason: subscription.stateReason)
    }
}
