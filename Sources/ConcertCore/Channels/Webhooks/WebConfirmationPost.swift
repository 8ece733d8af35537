import Foundation

/// The web front door's confirmation request to a chat channel: a short message with the link that
/// confirms the subscription, posted to the webhook in the channel's own format.
///
/// Like ``WebConfirmationMail`` it is not a reminder: the channel is not subscribed until someone
/// in it confirms on the link's page. It goes through the transport as reminders do, so the
/// `webhook_deny` list applies to each address the host resolves to, and its verdict's text never
/// shows the URL or its token.
public struct WebConfirmationPost: Sendable {
    public var settings: WebhookSettings
    public var transport: CurlTransport

    public init(settings: WebhookSettings, transport: CurlTransport) {
        self.settings = settings
        self.transport = transport
    }

    /// Posts the message to `url` in `format`; `completion` gets the receiver's verdict.
    /// `cities` and `offsets` are what the request asked for; the message names them.
    public func send(
        to url: String, format: String, confirmURL: String, cities: [City] = [], offsets: [ReminderOffset] = [],
        language: Language, now: Date, completion: @escaping @Sendable (Verdict) -> Void
    ) {
        let settings = self.settings
        transport.send { () throws(TransferPreparationError) in
            let request: HTTPRequest
            do {
                request = try Self.request(
                    url: url, format: format, confirmURL: confirmURL, cities: cities, offsets: offsets,
                    language: language, now: now)
            } catch {
                throw .invalidRequest("\(error)")
            }
            if let problem = WebhookURL.problem(with: request.url) { throw .invalidRequest(problem) }
            return .http(request, timeouts: settings.timeouts, deny: settings.deny)
        } completion: { result in
            completion(settings.verdict(of: result, hiding: [url]))
        }
    }

    /// The request the format builds for the confirmation text. Only the chat formats are offered on
    /// the web: `generic` needs a signing secret and a concert, and is refused.
    static func request(
        url: String, format name: String, confirmURL: String, cities: [City] = [], offsets: [ReminderOffset] = [],
        language: Language, now: Date
    ) throws -> HTTPRequest {
        let format = try WebhookFormatRegistry.named(name)
        guard !format.needsSecret else { throw Problem(description: "the \(name) format is not offered on the web") }
        var (subject, body) = words(confirmURL: confirmURL, language: language)
        if let asked = WebConfirmationMail.asked(cities: cities, offsets: offsets, language: language) {
            body += "\n" + asked
        }
        let rendered = RenderedMessage(
            subject: subject, text: subject + "\n\n" + body, html: "", language: language)
        let message = placeholder(url: url, format: name, language: language, now: now)
        return try format.request(
            for: WebhookInput(message: message, rendered: rendered, url: url, secret: nil, attemptTime: now))
    }

    /// The message the chat formats take. They read only its delivery's idempotency key (a fresh one:
    /// each confirmation request is a message of its own) and the rendered text.
    private static func placeholder(url: String, format: String, language: Language, now: Date) -> OutboundMessage {
        let key = "web-confirm_" + RandomID.make(length: 16)
        let delivery = Delivery(
            id: 0, subscriptionID: "", concertID: "", concertRevision: 0, kind: .confirmation,
            offset: ReminderOffset(seconds: 0), due: now, deadline: nil, state: .sending, reason: nil, attempts: 0,
            nextAttempt: nil, lastError: nil, idempotencyKey: key, detail: nil, createdAt: now, finishedAt: nil)
        let subscription = Subscription(
            id: "", channel: .webhook(url: url, format: format, secret: nil), cities: [], offsets: [],
            language: language, createdAt: now)
        let concert = StoredConcert(
            concert: Concert(id: "", cities: [], schedule: .timed(start: now, end: now)), origin: .catalog,
            revision: 0)
        return OutboundMessage(
            delivery: delivery, subscription: subscription, concert: concert, cities: [], infoURL: "", now: now)
    }

    /// The subject line and body, in the subscriber's language, naming the button the page shows.
    public static func words(confirmURL: String, language: Language) -> (subject: String, body: String) {
        switch language {
        case .ko:
            (
                "토크콘서트 알림 신청을 확인해 주세요",
                """
                누군가 이 채팅방으로 스마트시티 토크콘서트 알림을 신청했습니다. 아래 링크를 열고 "구독 확인" 버튼를 누르면 이 채팅방에 알림이 시작됩니다.
                \(confirmURL)
                링크는 48시간 동안 유효합니다. 원하지 않으면 무시하세요. 확인하지 않으면 아무 알림도 올리지 않습니다.
                """
            )
        case .en:
            (
                "Please confirm the concert reminders for this channel",
                """
                Someone asked for reminders of the Smart City talk concerts in this channel. Open the link below and press "Confirm" to start them here.
                \(confirmURL)
                The link works for 48 hours. If no one here wants this, ignore it: nothing is posted unless someone confirms.
                """
            )
        }
    }

    struct Problem: Error, CustomStringConvertible {
        var description: String
    }
}
