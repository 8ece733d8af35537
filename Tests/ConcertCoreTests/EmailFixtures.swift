import Foundation
import GRDB

@testable import ConcertCore

/// Outbound messages about real catalog concerts, settings and texts for the email tests.
enum EmailFixtures {
    static let settings = EmailSettings(
        fromAddress: "alerts@concertd.example.org", fromName: "스마트시티 토크콘서트 알림",
        replyTo: "help@concertd.example.org", unsubscribeMailto: "unsubscribe@concertd.example.org",
        unsubscribeURLTemplate: "https://concertd.example.org/unsubscribe/{subscription}")

    static let englishSettings = EmailSettings(
        fromAddress: "alerts@concertd.example.org", fromName: "Smart City talk concert alerts")

    static let recipient = "citizen@example.com"
    static let subscriptionID = "sub-k3m9q2xw7d"
    /// Sending happens the day before the Daegu concert (2019-10-29 14:00 KST).
    static let now = Fixtures.korea("2019-10-28T14:00:00")

    /// A message of `kind` about `concertID` for a subscriber of its cities, in `language`.
    static func message(
        _ kind: Delivery.Kind, concertID: String = "daegu-2019", language: Language = .ko, revision: Int = 1,
        cancelled: Bool = false, channel: ChannelAddress = .email(recipient), key: String? = nil
    ) -> OutboundMessage {
        var concert = Fixtures.catalog.concert(id: concertID)!
        if cancelled || kind == .cancellation { concert.status = .cancelled }
        let offset = kind == .reminder ? 86_400 : 0
        let row = Row([
            "id": 7, "subscription_id": subscriptionID, "concert_id": concertID, "concert_revision": revision,
            "kind": kind.rawValue, "offset_seconds": offset, "due_at": now.millis, "deadline_at": nil,
            "state": "sending", "reason": nil, "attempts": 1, "next_attempt_at": nil, "last_error": nil,
            "idempotency_key": key, "detail": nil, "created_at": now.millis, "finished_at": nil,
        ])
        let subscription = Subscription(
            id: subscriptionID, channel: channel, cities: concert.cities, offsets: ReminderOffset.defaults,
            language: language, createdAt: now)
        return OutboundMessage(
            delivery: Delivery(row: row), subscription: subscription,
            concert: StoredConcert(concert: concert, origin: .catalog, revision: revision),
            cities: concert.cities.compactMap { Fixtures.catalog.city(id: $0) },
            previous: kind == .change
                ? .init(start: "2019-10-29T10:00+09:00", end: "2019-10-29T12:00+09:00", timeAnnounced: true, venue: nil)
                : nil,
            infoURL: Fixtures.catalog.infoURL, now: now)
    }

    /// A subject, plain-text body and HTML for each kind, as the renderer would write them (Daegu, 29 October).
    static func content(_ kind: Delivery.Kind, language: Language) -> EmailContent {
        let (subject, body): (String, String)
        switch (kind, language) {
        case (.reminder, .ko): (subject, body) = ("[알림] 내일 대구 스마트시티 토크콘서트", "내일 오후 2시에 시작합니다; 늦지 마세요.")
        case (.reminder, .en):
            (subject, body) = (
                "[Reminder] Tomorrow: Daegu Smart City talk concert", "It starts tomorrow at 2 p.m.; see you there."
            )
        case (.confirmation, .ko): (subject, body) = ("[대구] 토크콘서트 알림 신청 완료", "대구 스마트시티 시민 토크콘서트 알림을 신청했습니다.")
        case (.confirmation, .en):
            (subject, body) = (
                "[Daegu] Subscribed to talk concert reminders", "You will be reminded of the concerts in Daegu."
            )
        case (.change, .ko): (subject, body) = ("[변경] 대구 스마트시티 토크콘서트 시간 변경", "시간: 오전 10시 → 오후 2시, 장소는 그대로입니다.")
        case (.change, .en):
            (subject, body) = ("[Changed] Daegu Smart City talk concert", "Time: 10 a.m. → 2 p.m., same venue.")
        case (.cancellation, .ko): (subject, body) = ("[취소] 대구 스마트시티 토크콘서트", "다음 토크콘서트가 취소되었습니다.")
        case (.cancellation, .en):
            (subject, body) = ("[Cancelled] Daegu Smart City talk concert", "This talk concert has been cancelled.")
        case (.newConcert, .ko): (subject, body) = ("[대구] 새 토크콘서트: 스마트시티 시민 토크콘서트", "새 토크콘서트가 등록되었습니다 (내일).")
        case (.newConcert, .en):
            (subject, body) = ("[Daegu] New talk concert", "A new talk concert has been announced (tomorrow).")
        case (.test, .ko): (subject, body) = ("[테스트] concertd 알림 채널 확인", "concertd가 보낸 테스트 메시지입니다.")
        case (.test, .en):
            (subject, body) = ("[Test] concertd reminder channel", "This is a test message from concertd.")
        }
        let text = "\(body)\n자세한 내용: https://www.smartcity.go.kr\n"
        let html =
            "<p><strong>\(subject)</strong></p>\n<p>\(body)<br>\n<a href=\"https://www.smartcity.go.kr\">smartcity.go.kr</a></p>"
        return EmailContent(
            subject: subject, body: language == .ko ? text : text.replacingOccurrences(of: "자세한 내용", with: "Details"),
            html: html)
    }

    static func build(
        _ message: OutboundMessage, _ content: EmailContent, settings: EmailSettings = settings
    ) throws -> Data {
        try EmailMessageBuilder(settings: settings).build(message, content: content)
    }

    /// The header section of a built message, as raw lines without their CRLF.
    static func headerLines(_ data: Data) -> [String] {
        let text = String(decoding: data, as: UTF8.self)
        let header = text.components(separatedBy: "\r\n\r\n").first ?? ""
        return header.components(separatedBy: "\r\n")
    }
}
