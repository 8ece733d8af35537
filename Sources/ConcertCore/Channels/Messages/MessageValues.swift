import Foundation

/// The values a message template can use, computed from one outbound message in one language.
///
/// Templates see text only (already worded for the language) and flags: a value that does not
/// apply (no venue, no speaker) is absent, so `{{#venue}}…{{/venue}}` and `{{^venue}}…{{/venue}}`
/// choose between lines. `names` lists every value, for checking templates at load.
struct MessageValues {
    /// Every top-level value a template may name.
    static let names: Set<String> = [
        "kind", "language", "city", "title", "programme", "host", "when", "timeAnnounced", "venue", "speaker",
        "ahead", "offset", "reminderOffsets", "infoURL", "changes", "cancelled", "concertID",
        "nextConcerts", "severalConcerts",
    ]

    /// The values of each entry of `changes`.
    static let changeNames: Set<String> = ["label", "old", "new"]

    /// The title used when the source gives a concert none.
    static func defaultTitle(in language: Language) -> String {
        switch language {
        case .ko: "스마트시티 시민 토크콘서트"
        case .en: "Smart City citizen talk concert"
        }
    }

    let dictionary: [String: Any]

    init(message: OutboundMessage, language: Language) {
        let concert = message.concert.concert
        let schedule = concert.schedule
        var values: [String: Any] = [
            "kind": message.delivery.kind.rawValue,
            "language": language.rawValue,
            "city": Self.cityNames(message, in: language),
            "title": concert.title?.text(in: language) ?? Self.defaultTitle(in: language),
            "when": MessageWording.when(schedule, in: language),
            "timeAnnounced": schedule.isTimeAnnounced,
            "ahead": MessageWording.ahead(from: message.now, to: schedule, in: language),
            "reminderOffsets": MessageWording.offsets(message.subscription.offsets, in: language),
            "infoURL": message.infoURL,
            "changes": Self.changes(message, in: language),
            "cancelled": concert.status == .cancelled,
            "concertID": concert.id,
        ]
        values["programme"] = concert.programme?.text(in: language)
        values["host"] = concert.host?.text(in: language)
        values["venue"] = concert.venue?.text(in: language)
        values["speaker"] = concert.speaker.map { MessageWording.speaker($0, in: language) }
        let next = Self.nextConcerts(message, in: language)
        values["nextConcerts"] = next
        values["severalConcerts"] = next.count > 1
        if message.delivery.kind == .reminder && message.delivery.offset.seconds > 0 {
            let offset = MessageWording.offset(message.delivery.offset, in: language)
            values["offset"] = language == .ko ? "\(offset) 전" : "\(offset) before"
        }
        dictionary = values
    }

    private static func cityNames(_ message: OutboundMessage, in language: Language) -> String {
        if message.cities.isEmpty { return message.concert.concert.cities.joined(separator: ", ") }
        return MessageWording.cities(message.cities, in: language)
    }

    /// The next concert of each of the subscription's cities (a confirmation's `nextConcerts`, else
    /// the message's own concert), each with the subscribed cities it serves. Each entry has every
    /// value a concert's lines use, `false` where one does not apply, so that no `{{#venue}}` in an
    /// entry falls back on the message's own concert.
    private static func nextConcerts(_ message: OutboundMessage, in language: Language) -> [[String: Any]] {
        let concerts = message.nextConcerts.isEmpty ? [message.concert] : message.nextConcerts
        return concerts.map { stored in
            let concert = stored.concert
            let served = message.cities.filter { concert.cities.contains($0.id) }
            return [
                "city": served.isEmpty
                    ? concert.cities.joined(separator: ", ") : MessageWording.cities(served, in: language),
                "title": concert.title?.text(in: language) ?? defaultTitle(in: language),
                "when": MessageWording.when(concert.schedule, in: language),
                "timeAnnounced": concert.schedule.isTimeAnnounced,
                "ahead": MessageWording.ahead(from: message.now, to: concert.schedule, in: language),
                "venue": concert.venue?.text(in: language) ?? false,
                "programme": concert.programme?.text(in: language) ?? false,
                "host": concert.host?.text(in: language) ?? false,
                "speaker": concert.speaker.map { MessageWording.speaker($0, in: language) } ?? false,
                "cancelled": concert.status == .cancelled,
                "concertID": concert.id,
            ]
        }
    }

    /// What a change notice says changed: the schedule and the venue, old and new.
    private static func changes(_ message: OutboundMessage, in language: Language) -> [[String: String]] {
        guard let previous = message.previous else { return [] }
        let concert = message.concert.concert
        var changes: [[String: String]] = []
        if let old = previous.schedule, old != concert.schedule {
            changes.append([
                "label": language == .ko ? "일시" : "When",
                "old": MessageWording.when(old, in: language),
                "new": MessageWording.when(concert.schedule, in: language),
            ])
        }
        let unknownVenue = language == .ko ? "미정" : "not announced"
        let oldVenue = previous.venue?.text(in: language) ?? unknownVenue
        let newVenue = concert.venue?.text(in: language) ?? unknownVenue
        if oldVenue != newVenue {
            changes.append(["label": language == .ko ? "장소" : "Where", "old": oldVenue, "new": newVenue])
        }
        return changes
    }
}
