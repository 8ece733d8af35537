import Foundation
import GRDB

@testable import ConcertCore

/// Outbound messages built from the shipped catalog, one realistic case per message kind, with a fixed clock.
enum MessageFixtures {
    static let catalogPath = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("etc/concertd/concerts.json5").path

    static let catalog: Catalog = {
        do {
            return try CatalogLoader().load(path: catalogPath)
        } catch {
            fatalError("the shipped catalog does not load: \(error)")
        }
    }()

    /// The wall-clock time of every attempt in the goldens: 2019-10-28 14:00 in Korea.
    static let attemptTime = Date(timeIntervalSince1970: 1_572_238_800)

    /// The secret of the Standard Webhooks reference tests.
    static let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

    /// A plausible webhook URL of each format (made-up tokens).
    static let urls: [String: String] = [
        "generic": "https://hooks.example.org/concertd",
        "slack": "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
        "mattermost": "https://chat.example.org/hooks/xxxgeneratedkeyxxx",
        "discord": "https://discord.com/api/webhooks/123456789012345678/token-abc",
        "teams":
            "https://prod-00.koreacentral.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke?api-version=2016-06-01&sig=XXX",
        "googlechat": "https://chat.googleapis.com/v1/spaces/AAAAAAAAAAA/messages?key=KEY&token=TOKEN",
        "telegram": "https://api.telegram.org/bot123456:ABC-DEF1234ghIkl/sendMessage?chat_id=-1001234567890",
        "dooray": "https://hook.dooray.com/services/1111111111/2222222222/AbCdEfGhIj",
        "jandi": "https://wh.jandi.com/connect-api/webhook/12345678/0123456789abcdef0123456789abcdef",
        "kakaowork": "https://kakaowork.com/bots/hook/0123456789abcdef0123456789abcdef",
    ]

    /// One case per kind: a concert of the catalog and the moment of sending.
    ///
    /// - reminder: Daegu, the 1-day reminder (내일, Tuesday/화).
    /// - confirmation: Sejong, date-only over two days (Sunday/일 and Monday/월, 시간 미정).
    /// - change: Gimhae, moved from 10:00 at a named venue to 14:00, venue not announced.
    /// - cancellation: Tongyeong, which has no speaker.
    /// - new_concert: the joint Gongju–Buyeo concert, for a subscriber of both.
    /// - test: Busan, with title and venue, 1 hour 30 minutes ahead.
    static func message(
        kind: Delivery.Kind, language: Language,
        channel: ChannelAddress = .webhook(
            url: "https://hooks.example.org/concertd", format: "generic", secret: secret)
    ) -> OutboundMessage {
        switch kind {
        case .reminder:
            return message(
                kind: kind, concertID: "daegu-2019", cities: ["daegu"], offset: 86_400,
                now: "2019-10-28T14:00+09:00", language: language, channel: channel)
        case .confirmation:
            return message(
                kind: kind, concertID: "sejong-2019", cities: ["sejong"], now: "2019-10-25T10:00+09:00",
                language: language, channel: channel)
        case .change:
            let previous = OutboundMessage.PreviousFacts(
                start: "2019-11-05T10:00:00+09:00", end: "2019-11-05T12:00:00+09:00", timeAnnounced: true,
                venue: LocalizedText(ko: "김해시청 대회의실", en: "Gimhae City Hall, main conference room"))
            return message(
                kind: kind, concertID: "gimhae-2019", cities: ["gimhae"], now: "2019-11-01T09:00+09:00",
                language: language, channel: channel, revision: 2, previous: previous)
        case .cancellation:
            return message(
                kind: kind, concertID: "tongyeong-2019", cities: ["tongyeong"], now: "2019-10-24T12:00+09:00",
                language: language, channel: channel, revision: 2, status: .cancelled)
        case .newConcert:
            return message(
                kind: kind, concertID: "gongju-buyeo-2019", cities: ["gongju", "buyeo"],
                now: "2019-10-19T09:00+09:00", language: language, channel: channel)
        case .test:
            return message(
                kind: kind, concertID: "busan-2019", cities: ["busan"], now: "2019-10-25T08:30+09:00",
                language: language, channel: channel)
        }
    }

    static func message(
        kind: Delivery.Kind, concertID: String, cities: [String], offset: Int = 0, now: String,
        language: Language, channel: ChannelAddress, revision: Int = 1, status: Concert.Status = .scheduled,
        previous: OutboundMessage.PreviousFacts? = nil, concert override: Concert? = nil
    ) -> OutboundMessage {
        var concert = override ?? catalog.concert(id: concertID)!
        concert.status = status
        let subscription = Subscription(
            id: "sub-k3m9q2xw7d", channel: channel, cities: cities, offsets: ReminderOffset.defaults,
            language: language, createdAt: moment("2019-10-18T09:00+09:00"))
        let sendAt = moment(now)
        let delivery = Delivery(
            row: Row([
                "id": 42,
                "subscription_id": subscription.id,
                "concert_id": concert.id,
                "concert_revision": revision,
                "kind": kind.rawValue,
                "offset_seconds": offset,
                "due_at": sendAt.millis,
                "deadline_at": concert.schedule.reminderDeadline.millis,
                "state": "sending",
                "reason": nil,
                "attempts": 0,
                "next_attempt_at": sendAt.millis,
                "last_error": nil,
                "detail": nil,
                "created_at": sendAt.millis,
                "finished_at": nil,
            ]))
        return OutboundMessage(
            delivery: delivery, subscription: subscription,
            concert: StoredConcert(concert: concert, origin: .catalog, revision: revision),
            cities: cities.map { catalog.city(id: $0)! }, previous: previous, infoURL: catalog.infoURL, now: sendAt)
    }

    /// The catalog's `infoURL`-style moment text as a date (`2019-10-28T14:00+09:00`).
    static func moment(_ text: String) -> Date {
        guard case .instant(let date)? = KoreaTime.parseMoment(text) else { fatalError("bad moment \(text)") }
        return date
    }

    /// The request `format` builds for `message`, rendered with the built-in templates.
    static func request(format name: String, message: OutboundMessage) throws -> HTTPRequest {
        let format = try WebhookFormatRegistry.named(name)
        let rendered = MessageRenderer().render(message)
        return try format.request(
            for: WebhookInput(
                message: message, rendered: rendered, url: urls[name]!, secret: name == "generic" ? secret : nil,
                attemptTime: attemptTime))
    }
}
