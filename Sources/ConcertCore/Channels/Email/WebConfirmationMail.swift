import Foundation

/// The web front door's confirmation request: a short text email with the link that confirms a
/// subscription, sent through the smarthost the reminders use.
///
/// It is not a reminder of a concert, so it has no calendar and no unsubscribe links: the
/// address is not subscribed until the link's page is confirmed.
public struct WebConfirmationMail: Sendable {
    public var settings: EmailSettings
    public var smarthost: Smarthost
    public var transport: CurlTransport

    public init(settings: EmailSettings, smarthost: Smarthost, transport: CurlTransport) {
        self.settings = settings
        self.smarthost = smarthost
        self.transport = transport
    }

    /// Submits the message to `address`; `completion` gets the smarthost's verdict.
    /// `cities` and `offsets` are what the request asked for; the message names them.
    public func send(
        to address: String, confirmURL: String, cities: [City] = [], offsets: [ReminderOffset] = [],
        language: Language, now: Date, completion: @escaping @Sendable (Verdict) -> Void
    ) {
        let settings = self.settings
        let smarthost = self.smarthost
        transport.send { () throws(TransferPreparationError) in
            try smarthost.checkEnvelope()
            let bytes = Self.message(
                settings: settings, to: address, confirmURL: confirmURL, cities: cities, offsets: offsets,
                language: language, now: now)
            return .mail(smarthost.transfer(of: bytes, to: [address]))
        } completion: { result in
            completion(smarthost.verdict(of: result))
        }
    }

    /// The whole message: headers and a base64 UTF-8 text body.
    static func message(
        settings: EmailSettings, to address: String, confirmURL: String, cities: [City] = [],
        offsets: [ReminderOffset] = [], language: Language, now: Date
    ) -> Data {
        let (subject, body) = words(confirmURL: confirmURL, cities: cities, offsets: offsets, language: language)
        let id = "<web-" + RandomID.make(length: 20) + "@" + settings.messageIDDomain + ">"
        var text = [
            MailHeader.field("Date", MailHeader.date(now)),
            MailHeader.mailbox("From", address: settings.fromAddress, displayName: settings.fromName),
            MailHeader.field("To", address),
            MailHeader.unstructured("Subject", subject),
            MailHeader.field("Message-ID", id),
            MailHeader.field("MIME-Version", "1.0"),
            MailHeader.field("Content-Language", language.rawValue),
            MailHeader.field("Auto-Submitted", "auto-generated"),
            MailHeader.field("Content-Type", ["text/plain;", "charset=UTF-8"]),
            MailHeader.field("Content-Transfer-Encoding", "base64"),
        ].joined()
        text += "\r\n" + MIMEEncoding.base64Lines(MIMEEncoding.canonicalText(body))
        return Data(text.utf8)
    }

    static func words(
        confirmURL: String, cities: [City] = [], offsets: [ReminderOffset] = [], language: Language
    ) -> (subject: String, body: String) {
        let asked = Self.asked(cities: cities, offsets: offsets, language: language).map { "\n\n" + $0 } ?? ""
        return switch language {
        case .ko:
            (
                "토크콘서트 알림 신청을 확인해 주세요",
                """
                스마트시티 토크콘서트 알림을 신청하셨습니다. 아래 링크를 열고 "구독 확인" 버튼를 누르면 알림이 시작됩니다.\(asked)

                \(confirmURL)

                링크는 48시간 동안 유효합니다. 신청하지 않으셨다면 이 메일을 무시하세요. 확인하지 않으면 아무 알림도 보내지 않습니다.
                """
            )
        case .en:
            (
                "Please confirm your concert reminders",
                """
                You asked for reminders of the Smart City talk concerts. Open the link below and press "Confirm" to start them.\(asked)

                \(confirmURL)

                The link works for 48 hours. If you did not ask for this, ignore this message: nothing is sent unless you confirm.
                """
            )
        }
    }

    /// What a request asked for, two lines (`Municipalities: Busan and Daegu`, `Reminders: 7 days
    /// and 1 day before each concert`); nil when it names no city.
    static func asked(cities: [City], offsets: [ReminderOffset], language: Language) -> String? {
        guard !cities.isEmpty else { return nil }
        let names = MessageWording.cities(cities, in: language)
        let times = MessageWording.offsets(offsets, in: language)
        return switch language {
        case .ko: "지역: \(names)\n알림: 콘서트 \(times)"
        case .en: "Municipalities: \(names)\nReminders: \(times) before each concert"
        }
    }
}
