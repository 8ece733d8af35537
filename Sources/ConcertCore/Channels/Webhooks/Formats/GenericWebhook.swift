import Foundation

/// concertd's own JSON, version 1, signed per the Standard Webhooks specification.
///
/// Headers: `Content-Type: application/json; charset=utf-8`, `webhook-id` (the delivery's
/// idempotency key, the same on every attempt), `webhook-timestamp` (the attempt's Unix time in
/// seconds) and `webhook-signature` (`v1,` + base64 HMAC-SHA256 of `id.timestamp.body`, keyed with
/// the subscription's `whsec_` secret). The body, compact UTF-8 JSON with keys in this order:
///
/// ```json
/// {"version":1,
///  "type":"reminder",            // reminder | confirmation | change | cancellation | new_concert | test
///  "delivery_id":42,
///  "idempotency_key":"sub-k3m9q2xw7d_daegu-2019_r1_reminder_86400",
///  "offset":"1d",                // how long before the start a reminder is sent; null for notices
///  "language":"ko",              // the subscription's language, that of subject and text
///  "concert":{"id":"daegu-2019","revision":1,"status":"scheduled",
///    "title":{"ko":…,"en":…},    // null when the source gives none; so are programme, host, venue
///    "programme":{"ko":…,"en":…},"host":{"ko":…,"en":…},
///    "start":"2019-10-29T14:00:00+09:00","end":"2019-10-29T16:00:00+09:00",
///    "time_announced":true,      // false: start and end are ISO dates (2019-10-27)
///    "venue":null,
///    "speaker":{"affiliation":{…},"name":{…},"role":{…}},   // or null
///    "cities":["daegu"]},        // every city the concert serves
///  "cities":[{"id":"daegu","ko":"대구","en":"Daegu"}],        // the subscriber's cities it serves
///  "previous":null,              // change notices: {"start","end","time_announced","venue"} before the change
///  "info_url":"https://www.smartcity.go.kr",
///  "subject":"…","text":"…"}     // the rendered message, plain text
/// ```
///
/// Fields may be added within version 1; a change of meaning or removal raises `version`.
/// `docs/webhooks.md` documents the same body for receivers.
public struct GenericWebhook: WebhookFormat {
    public let name = "generic"
    public var needsSecret: Bool { true }

    public init() {}

    public func request(for input: WebhookInput) throws(WebhookFormatError) -> HTTPRequest {
        guard let secret = input.secret else { throw .missingSecret(format: name) }
        let delivery = input.message.delivery
        // Everything after the delivery's own fields is the same for every subscriber of the
        // message: serialized once (see `SharedMessageParts`), then joined to each delivery's head.
        let tail = input.message.shared.value("webhook.generic.tail") { Self.tail(for: input) }
        var bytes = Self.head(for: delivery)
        bytes += tail
        let body = Data(bytes)
        let signed = try StandardWebhooks.headers(
            id: delivery.idempotencyKey, timestamp: input.attemptTime, body: body, secret: secret)
        return HTTPRequest(
            url: input.url,
            headers: [(name: "Content-Type", value: "application/json; charset=utf-8")] + signed,
            body: body)
    }

    /// The version 1 body of `input`'s message.
    static func body(for input: WebhookInput) -> Data {
        Data(head(for: input.message.delivery) + tail(for: input))
    }

    /// `{"version":1,…,"idempotency_key":"…",`: the body's first members, those of the delivery itself.
    static func head(for delivery: Delivery) -> [UInt8] {
        var bytes = WebhookJSON.object([
            ("version", .int(1)),
            ("type", .string(delivery.kind.rawValue)),
            ("delivery_id", .int(delivery.id)),
            ("idempotency_key", .string(delivery.idempotencyKey)),
        ]).bytes
        bytes[bytes.count - 1] = UInt8(ascii: ",")
        return bytes
    }

    /// `"offset":…}`: the rest of the body, the same for every delivery of the message.
    static func tail(for input: WebhookInput) -> [UInt8] {
        let message = input.message
        let delivery = message.delivery
        let concert = message.concert.concert
        let isReminder = delivery.kind == .reminder && delivery.offset.seconds > 0
        let bytes = WebhookJSON.object([
            ("offset", isReminder ? .string(delivery.offset.description) : .null),
            ("language", .string(input.rendered.language.rawValue)),
            (
                "concert",
                .object([
                    ("id", .string(concert.id)),
                    ("revision", .int(Int64(message.concert.revision))),
                    ("status", .string(concert.status.rawValue)),
                    ("title", localized(concert.title)),
                    ("programme", localized(concert.programme)),
                    ("host", localized(concert.host)),
                    ("start", .string(concert.schedule.startString)),
                    ("end", .string(concert.schedule.endString)),
                    ("time_announced", .bool(concert.schedule.isTimeAnnounced)),
                    ("venue", localized(concert.venue)),
                    ("speaker", speaker(concert.speaker)),
                    ("cities", .array(concert.cities.map(WebhookJSON.string))),
                ])
            ),
            (
                "cities",
                .array(
                    message.cities.map {
                        .object([
                            ("id", .string($0.id)), ("ko", .string($0.shortName)), ("en", .string($0.englishName)),
                        ])
                    })
            ),
            ("previous", previous(message.previous)),
            ("info_url", .string(message.infoURL)),
            ("subject", .string(input.rendered.subject)),
            ("text", .string(input.rendered.text)),
        ]).bytes
        return Array(bytes.dropFirst())
    }

    private static func localized(_ text: LocalizedText?) -> WebhookJSON {
        guard let text else { return .null }
        return .object([("ko", .string(text.ko)), ("en", .string(text.en))])
    }

    private static func speaker(_ speaker: Speaker?) -> WebhookJSON {
        guard let speaker else { return .null }
        return .object([
            ("affiliation", localized(speaker.affiliation)),
            ("name", localized(speaker.name)),
            ("role", localized(speaker.role)),
        ])
    }

    private static func previous(_ facts: OutboundMessage.PreviousFacts?) -> WebhookJSON {
        guard let facts else { return .null }
        return .object([
            ("start", .string(facts.start)),
            ("end", .string(facts.end)),
            ("time_announced", .bool(facts.timeAnnounced)),
            ("venue", localized(facts.venue)),
        ])
    }
}
