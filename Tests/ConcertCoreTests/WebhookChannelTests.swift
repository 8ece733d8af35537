import Foundation
import Testing

@testable import ConcertCore

/// Webhook verdicts end to end: the channel, the transport and a real HTTP receiver on 127.0.0.1.
@Suite struct WebhookChannelTests {
    /// A format in place of `generic` (the sample's) that sends a small JSON body, unsigned.
    struct PlainFormat: WebhookFormat {
        var name: String { "generic" }

        func request(for input: WebhookInput) throws(WebhookFormatError) -> HTTPRequest {
            HTTPRequest(
                url: input.url,
                headers: [("Content-Type", "application/json"), ("webhook-id", input.message.delivery.idempotencyKey)],
                body: Data("{\"text\":\"reminder\"}".utf8))
        }
    }

    /// A channel whose format sends the message's subscription URL with a small JSON body.
    static func channel(_ transport: CurlTransport, timeouts: TransferTimeouts = .webhook) -> WebhookChannel {
        WebhookChannel(
            settings: WebhookSettings(timeouts: timeouts), renderer: MessageRenderer(), transport: transport,
            formats: [PlainFormat()])
    }

    static func send(_ channel: WebhookChannel, to url: String) async -> Verdict {
        await withCheckedContinuation { continuation in
            channel.send(.sample(url: url)) { continuation.resume(returning: $0) }
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func aMessageIsSentWithTheFormatsHeadersAndBody() async throws {
        let receiver = try await HTTPReceiver()
        defer { receiver.stop() }
        let transport = try CurlTransport()
        defer { transport.stop() }

        let outcome = await Self.send(Self.channel(transport), to: receiver.url("/status/204"))

        #expect(outcome == .sent(detail: "HTTP 204"))
        let received = try receiver.requests()
        #expect(received.count == 1)
        #expect(received.first?.headers(named: "webhook-id") == ["key-1"])
        #expect(received.first?.body == Data("{\"text\":\"reminder\"}".utf8))
    }

    @Test(.timeLimit(.minutes(1)))
    func theReceiversAnswersBecomeVerdicts() async throws {
        let receiver = try await HTTPReceiver()
        defer { receiver.stop() }
        let transport = try CurlTransport()
        defer { transport.stop() }
        let channel = Self.channel(transport)

        #expect(
            await Self.send(channel, to: receiver.url("/status/500"))
                == .retryable(error: "HTTP 500: status 500 from the receiver", retryAfter: nil))
        #expect(
            await Self.send(channel, to: receiver.url("/retry-after/2"))
                == .retryable(error: "HTTP 429: slow down", retryAfter: 2))
        #expect(
            await Self.send(channel, to: receiver.url("/status/410"))
                == .gone(error: "HTTP 410: status 410 from the receiver"))
        #expect(
            await Self.send(channel, to: receiver.url("/status/400"))
                == .permanent(error: "HTTP 400: status 400 from the receiver"))
    }

    @Test(.timeLimit(.minutes(1)))
    func retryAfterAsAnHTTPDateBecomesSecondsFromNow() async throws {
        let receiver = try await HTTPReceiver()
        defer { receiver.stop() }
        let transport = try CurlTransport()
        defer { transport.stop() }

        let outcome = await Self.send(Self.channel(transport), to: receiver.url("/retry-after-date/30"))

        guard case .retryable(let error, let retryAfter?) = outcome else {
            Issue.record("expected retryable with a delay, got \(outcome)")
            return
        }
        #expect(error == "HTTP 429: slow down")
        // The date has whole seconds and was made just before the answer.
        #expect(retryAfter > 27 && retryAfter <= 30)
    }

    @Test(.timeLimit(.minutes(1)))
    func aTimeoutIsRetryable() async throws {
        let receiver = try await HTTPReceiver()
        defer { receiver.stop() }
        let transport = try CurlTransport()
        defer { transport.stop() }
        let channel = Self.channel(
            transport, timeouts: TransferTimeouts(connect: .seconds(2), total: .milliseconds(300)))

        let outcome = await Self.send(channel, to: receiver.url("/hang/10/T0SECRET"))

        guard case .retryable(let error, nil) = outcome else {
            Issue.record("expected retryable, got \(outcome)")
            return
        }
        #expect(!error.contains("T0SECRET"))
    }

    @Test(.timeLimit(.minutes(1)))
    func aRefusedConnectionIsRetryableAndItsErrorHidesTheToken() async throws {
        let closed = try ClosedPort()
        defer { closed.release() }
        let transport = try CurlTransport()
        defer { transport.stop() }

        let outcome = await Self.send(
            Self.channel(transport), to: "http://127.0.0.1:\(closed.port)/services/T000/B000/XSECRETX?token=QSECRETQ")

        guard case .retryable(let error, nil) = outcome else {
            Issue.record("expected retryable, got \(outcome)")
            return
        }
        #expect(error.contains("127.0.0.1"))
        #expect(!error.contains("SECRET"))
    }

    @Test(.timeLimit(.minutes(1)), arguments: ["file:///etc/passwd", "gopher://127.0.0.1:70/1", "http:///no-host"])
    func aURLThatIsNotAWebhookIsPermanentWithoutSending(url: String) async throws {
        let transport = try CurlTransport()
        defer { transport.stop() }

        #expect(WebhookURL.problem(with: url) != nil)
        let outcome = await Self.send(Self.channel(transport), to: url)
        guard case .permanent = outcome else {
            Issue.record("expected permanent, got \(outcome)")
            return
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func aRequestThatCannotBeBuiltIsPermanent() async throws {
        let transport = try CurlTransport()
        defer { transport.stop() }
        // The sample's subscription has no signing secret, which `generic` requires.
        let channel = WebhookChannel(settings: WebhookSettings(), renderer: MessageRenderer(), transport: transport)

        let outcome = await Self.send(channel, to: "https://example.org/hook")

        guard case .permanent(let error) = outcome else {
            Issue.record("expected permanent, got \(outcome)")
            return
        }
        #expect(error.hasPrefix("the request could not be built"))
    }
}
