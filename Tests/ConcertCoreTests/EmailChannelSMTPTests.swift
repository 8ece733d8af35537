import Foundation
import Testing

@testable import ConcertCore

/// The whole email path against a real SMTP server: renderer → MIME builder → libcurl →
/// aiosmtpd, then the message the server saved is read back with Python's `email` and `icalendar`.
@Suite(.timeLimit(.minutes(2))) struct EmailChannelSMTPTests {
    @Test func everyKindInBothLanguagesArrivesAndParsesCleanly() async throws {
        let server = try await SMTPPeer()
        defer { server.stop() }
        let transport = try CurlTransport()
        defer { transport.stop(timeout: .seconds(1)) }
        let renderer = MessageRenderer()
        let channel = EmailChannel(
            settings: EmailFixtures.settings,
            smarthost: Smarthost(url: server.url, mailFrom: "alerts@concertd.example.org"), renderer: renderer,
            transport: transport)

        var sent: [(key: String, message: OutboundMessage)] = []
        for kind in Delivery.Kind.allCases {
            for language in Language.allCases {
                let key = "sub-x_daegu-2019_r1_\(kind.rawValue)_\(language)"
                let message = EmailFixtures.message(kind, language: language, key: key)
                let outcome = await withCheckedContinuation { continuation in
                    channel.send(message) { continuation.resume(returning: $0) }
                }
                guard case .sent(let detail) = outcome else {
                    Issue.record("\(kind) \(language) not sent: \(outcome)")
                    continue
                }
                #expect(detail.hasPrefix("250"))
                sent.append((key, message))
            }
        }
        let saved = try server.messages()
        #expect(saved.count == Delivery.Kind.allCases.count * Language.allCases.count)
        for (key, message) in sent {
            let bytes = try #require(
                saved.first { String(decoding: $0.content.prefix(4096), as: UTF8.self).contains("<\(key)@") })
            #expect(bytes.recipients == [EmailFixtures.recipient])
            #expect(bytes.mailFrom == "alerts@concertd.example.org")
            let parsed = try PythonEmailPeer.parse(bytes.content)
            let kind = message.delivery.kind
            let language = message.subscription.language
            #expect(parsed.defects.isEmpty, "\(kind) \(language): \(parsed.defects)")
            #expect(parsed.subject == renderer.render(message).subject)
            #expect(parsed.fromName == "스마트시티 토크콘서트 알림")
            let calendar = try #require(parsed.calendar)
            #expect(calendar.errors.isEmpty)
            #expect(calendar.uid == "daegu-2019@concertd")
            #expect(calendar.start.iso == "2019-10-29T14:00:00+09:00")
            #expect(calendar.method == (kind == .cancellation ? "CANCEL" : "REQUEST"))
            let text = try #require(parsed.part("text/plain")?.content)
            #expect(text.contains(language == .ko ? "2019년 10월 29일 (화)" : "Tuesday 29 October 2019"))
        }
    }

    /// The smarthost's fault comes before the message's: a message that cannot be built as an
    /// email (a webhook subscription's) holds the smarthost too, without a connection.
    @Test(arguments: [false, true])
    func anEnvelopeSenderThatIsNotAPlainAddressHoldsTheSmarthost(messageCanBeBuilt: Bool) async throws {
        let transport = try CurlTransport()
        defer { transport.stop(timeout: .seconds(1)) }
        let channel = EmailChannel(
            settings: EmailFixtures.settings,
            smarthost: Smarthost(url: "smtp://127.0.0.1:9", mailFrom: "two words@example.org"),
            renderer: MessageRenderer(), transport: transport)
        let message =
            messageCanBeBuilt
            ? EmailFixtures.message(.reminder, language: .ko, key: "k") : .sample(url: "https://example.org/hook")

        let verdict = await withCheckedContinuation { continuation in
            channel.send(message) { continuation.resume(returning: $0) }
        }

        #expect(
            verdict
                == .destinationFailed(
                    error: "the envelope sender 'two words@example.org' is not a plain address", retryAfter: nil))
    }

    @Test func aMessageThatCannotBeBuiltIsPermanentWithoutConnecting() async throws {
        let listener = try CountingListener()
        let transport = try CurlTransport()
        defer { transport.stop(timeout: .seconds(1)) }
        let channel = EmailChannel(
            settings: EmailFixtures.settings,
            smarthost: Smarthost(url: "smtp://127.0.0.1:\(listener.port)", mailFrom: "alerts@example.org"),
            renderer: MessageRenderer(), transport: transport)

        let verdict = await withCheckedContinuation { continuation in
            channel.send(.sample(url: "https://example.org/hook")) { continuation.resume(returning: $0) }
        }

        guard case .permanent(let error) = verdict else {
            Issue.record("expected permanent, got \(verdict)")
            return
        }
        #expect(error.hasPrefix("the message could not be built: "))
        #expect(listener.connectionsSoFar() == 0)
    }
}
