import Foundation
import HTTPTypes
import Logging
import Synchronization
import Testing

@testable import ConcertCore
@testable import ConcertWeb

/// Subscribing a chat channel from the web (`web_webhooks`): the form, its checks, the limits and
/// what the pages and the journal show of a webhook URL (never its token).
@Suite(.timeLimit(.minutes(1)))
struct WebhookSubscribeTests {
    static let slack = "https://hooks.slack.com/services/T0ABC/B0DEF/SecretToken123"

    static func on(hosts: [String] = WebSettings.standardWebhookHosts, logger: Logger? = nil) -> WebHarness {
        let settings = WebSettings(baseURL: "https://c.example.org", webhooksEnabled: true, webhookHosts: hosts)
        if let logger { return WebHarness(settings: settings, logger: logger) }
        return WebHarness(settings: settings)
    }

    static func post(
        _ web: WebHarness, url: String, format: String = "slack", peer: String = "198.51.100.7",
        lang: String = "en"
    ) async throws -> WebHarness.Reply {
        let page = try await web.get("/?lang=\(lang)", peer: peer)
        return try await web.post(
            "/subscribe?lang=\(lang)",
            form: [("csrf", page.csrf!), ("webhook", url), ("format", format), ("city", "busan"), ("lang", lang)],
            peer: peer)
    }

    @Test func aChannelIsKeptForConfirmationAndTheAnswerSaysToCheckTheChannel() async throws {
        let web = Self.on()
        let reply = try await Self.post(web, url: Self.slack)
        #expect(reply.status == .seeOther)
        #expect(reply.headers[.location] == "/check-inbox?lang=en&to=channel")
        let queued = try #require(await web.store.queuedConfirmations.first)
        #expect(queued.channel == .webhook(url: Self.slack, format: "slack"))
        #expect(queued.expires == web.now + .seconds(48 * 3600))
        #expect(!queued.channelKey.contains("SecretToken"))
        let check = try await web.get("/check-inbox?lang=en&to=channel")
        #expect(check.body.contains("Check the channel"))
    }

    @Test func withWebWebhooksOffAForgedPostIsRefusedClearlyAndNothingIsKept() async throws {
        let web = WebHarness()
        let reply = try await Self.post(web, url: Self.slack)
        #expect(reply.status == .forbidden)
        #expect(reply.body.contains("Chat channels are not offered here"))
        #expect(!reply.body.contains("SecretToken"))
        #expect(await web.store.queuedConfirmations.isEmpty)
        // The same for email when the server sends none (the page offers the channel form only).
        let noMail = WebHarness(
            settings: WebSettings(baseURL: "https://c.example.org", emailEnabled: false, webhooksEnabled: true))
        let page = try await noMail.get("/?lang=en")
        let forged = try await noMail.post(
            "/subscribe?lang=en", form: [("csrf", page.csrf ?? ""), ("email", "kim@example.org"), ("city", "busan")])
        #expect(forged.status == .forbidden)
        #expect(forged.body.contains("Email is not offered here"))
        #expect(await noMail.store.queuedConfirmations.isEmpty)
    }

    @Test func webWebhooksIsOffByDefault() {
        #expect(WebSettings(baseURL: "https://c.example.org").webhooksEnabled == false)
        #expect(DaemonConfiguration().webWebhooks == false)
        #expect(DaemonConfiguration().webWebhookHosts == WebhookHostAllowlist.standard)
    }

    @Test(arguments: [
        ("https://hooks.slack.com./services/T0/B0/SecretToken123", true),
        ("https://HOOKS.SLACK.COM/services/T0/B0/SecretToken123", true),
        ("https://hooks.slack.com:443/services/T0/B0/SecretToken123", true),
        ("https://hooks.slack.com:8443/services/T0/B0/SecretToken123", false),
        ("https://hooks.slack.com@evil.example/services/SecretToken123", false),
        ("https://evil.example@hooks.slack.com/services/SecretToken123", false),
        ("http://hooks.slack.com/services/T0/B0/SecretToken123", false),
        ("https://xn--hooks-slck-lxa.com/services/T0/B0/SecretToken123", false),
        ("https://hooks.sláck.com/services/T0/B0/SecretToken123", false),
        ("https://hooks.slack.com.evil.example/services/SecretToken123", false),
    ])
    func theHostMustBeOnTheList(url: String, taken: Bool) async throws {
        let web = Self.on()
        let reply = try await Self.post(web, url: url)
        #expect((reply.status == .seeOther) == taken, "\(url)")
        #expect(await web.store.queuedConfirmations.count == (taken ? 1 : 0), "\(url)")
        if !taken {
            #expect(reply.status == .badRequest)
            #expect(!reply.body.contains("SecretToken"), "the page shows the URL again")
        }
    }

    @Test func theFormatsOwnRulesApply() async throws {
        let web = Self.on()
        let noChat = try await Self.post(
            web, url: "https://api.telegram.org/botSecretToken123/sendMessage", format: "telegram")
        #expect(noChat.status == .badRequest)
        #expect(noChat.body.contains("not the form of a Telegram webhook URL"))
        let wrongService = try await Self.post(web, url: Self.slack, format: "discord")
        #expect(wrongService.status == .badRequest)
        #expect(wrongService.body.contains("That is a Slack webhook URL: choose Slack"))
        let generic = try await Self.post(web, url: Self.slack, format: "generic")
        #expect(generic.status == .badRequest)
        for reply in [noChat, wrongService, generic] { #expect(!reply.body.contains("SecretToken")) }
        #expect(await web.store.queuedConfirmations.isEmpty)
        let telegram = try await Self.post(
            web, url: "https://api.telegram.org/botSecretToken123/sendMessage?chat_id=-100123", format: "telegram")
        #expect(telegram.status == .seeOther)
    }

    @Test func theServicesAreOfferedByTheirNamesWithLabels() async throws {
        let page = try await Self.on().get("/?lang=en")
        #expect(page.body.contains("<label for=\"webhook\">"))
        #expect(page.body.contains("<label for=\"format\">"))
        #expect(page.body.contains("<option value=\"googlechat\">Google Chat</option>"))
        #expect(page.body.contains("<option value=\"kakaowork\">KakaoWork</option>"))
        #expect(!page.body.contains("<script"))
    }

    /// The per-channel limit counts one channel however its URL is written.
    @Test func oneChannelWrittenTwoWaysIsCountedOnce() async throws {
        let web = Self.on()
        let spellings = [
            Self.slack, "https://HOOKS.slack.com/services/T0ABC/B0DEF/SecretToken123",
            "https://hooks.slack.com:443/services/T0ABC/B0DEF/SecretToken123",
            "https://hooks.slack.com/services/T0ABC/./B0DEF/SecretToken123",
        ]
        var statuses: [HTTPResponse.Status] = []
        for (index, url) in spellings.enumerated() {
            statuses.append(try await Self.post(web, url: url, peer: "198.51.100.\(index + 1)").status)
        }
        #expect(statuses == [.seeOther, .seeOther, .seeOther, .tooManyRequests])
        #expect(await web.store.queuedConfirmations.count == 3)
    }

    @Test func aClientsLimitCountsChannelsAndAddressesTogether() async throws {
        let settings = WebSettings(
            baseURL: "https://c.example.org", webhooksEnabled: true,
            limits: ConfirmationLimits(
                perChannel: 3, channelWindow: .seconds(86_400), perClient: 2, clientWindow: .seconds(3600)))
        let web = WebHarness(settings: settings)
        #expect(try await Self.post(web, url: Self.slack).status == .seeOther)
        #expect(
            try await SubscribeTests.subscribe(web, [("email", "kim@example.org"), ("city", "busan")]).status
                == .seeOther)
        let third = try await Self.post(
            web, url: "https://discord.com/api/webhooks/1/SecretToken123", format: "discord")
        #expect(third.status == .tooManyRequests)
        web.advance(.seconds(3601))
        let later = try await Self.post(
            web, url: "https://discord.com/api/webhooks/1/SecretToken123", format: "discord")
        #expect(later.status == .seeOther)
    }

    /// The journal names the channel by its host only.
    @Test func theJournalMasksTheWebhookURL() async throws {
        let lines = LogLines()
        let web = Self.on(logger: Logger(label: "test", factory: { _ in lines.handler() }))
        _ = try await Self.post(web, url: Self.slack)
        _ = try await Self.post(web, url: Self.slack)
        _ = try await Self.post(web, url: Self.slack)
        _ = try await Self.post(web, url: Self.slack)
        let text = lines.all.joined(separator: "\n")
        #expect(text.contains("https://hooks.slack.com/***"))
        #expect(text.contains("confirmation limit reached"))
        #expect(!text.contains("SecretToken"))
        #expect(!text.contains("T0ABC"))
    }
}

/// Log lines with their metadata, as text.
final class LogLines: Sendable {
    private let lines = Mutex<[String]>([])

    var all: [String] { lines.withLock { $0 } }

    func handler() -> Handler { Handler(sink: self) }

    struct Handler: LogHandler {
        let sink: LogLines
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(
            level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String,
            function: String, line: UInt
        ) {
            let all = self.metadata.merging(metadata ?? [:]) { $1 }
            let text = "\(message) " + all.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " ")
            sink.lines.withLock { $0.append(text) }
        }
    }
}
