import Testing

@testable import ConcertCore

/// `web_webhook_hosts`: which webhook URLs the web front door takes.
@Suite struct WebhookHostAllowlistTests {
    static let hosts = ["hooks.slack.com", "*.logic.azure.com", "127.0.0.1:8099"]

    static func problem(_ url: String) -> WebhookHostAllowlist.Refusal? {
        WebhookHostAllowlist.problem(with: url, hosts: hosts)
    }

    @Test(arguments: [
        "https://hooks.slack.com/services/T0/B0/xyz",
        "https://HOOKS.Slack.COM/services/T0/B0/xyz",
        "https://hooks.slack.com./services/T0/B0/xyz",
        "https://hooks.slack.com:443/services/T0/B0/xyz",
        "https://prod-12.koreacentral.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke?sig=s",
        "http://127.0.0.1:8099/hook/abc",
    ])
    func aListedHostIsTaken(url: String) {
        #expect(Self.problem(url) == nil, "\(url)")
    }

    @Test(arguments: [
        // A user part puts the real host after the @, or before it.
        ("https://hooks.slack.com@evil.example/services/x", WebhookHostAllowlist.Refusal.malformed),
        ("https://evil.example@hooks.slack.com/services/x", .malformed),
        ("https://user:pw@hooks.slack.com/services/x", .malformed),
        // Escapes and backslashes in the host.
        ("https://hooks%2Eslack.com/services/x", .malformed),
        ("https://hooks.slack.com\\@evil.example/x", .malformed),
        ("https://hooks.slack.com\\.evil.example/x", .malformed),
        // A longer name ending in a listed one, and a listed one inside a longer one.
        ("https://hooks.slack.com.evil.example/services/x", .hostNotAllowed("hooks.slack.com.evil.example")),
        ("https://evilhooks.slack.com/services/x", .hostNotAllowed("evilhooks.slack.com")),
        ("https://xhooks.slack.com/x", .hostNotAllowed("xhooks.slack.com")),
        // A wildcard covers subdomains, not the name itself.
        ("https://logic.azure.com/x", .hostNotAllowed("logic.azure.com")),
        // Punycode is compared as written: a look-alike is another host.
        ("https://xn--hooks-slck-lxa.com/services/x", .hostNotAllowed("xn--hooks-slck-lxa.com")),
        // Ports: none listed means the default one only; a listed port only.
        ("https://hooks.slack.com:8443/services/x", .hostNotAllowed("hooks.slack.com:8443")),
        ("http://127.0.0.1:8098/hook", .hostNotAllowed("127.0.0.1:8098")),
        ("http://127.0.0.1/hook", .hostNotAllowed("127.0.0.1")),
        ("https://hooks.slack.com:0/x", .malformed),
        ("https://hooks.slack.com:99999/x", .malformed),
        // http only on a loopback host.
        ("http://hooks.slack.com/services/x", .notHTTPS),
        ("ftp://hooks.slack.com/services/x", .notHTTPS),
        ("hooks.slack.com/services/x", .malformed),
    ])
    func anythingElseIsRefused(url: String, refusal: WebhookHostAllowlist.Refusal) {
        #expect(Self.problem(url) == refusal, "\(url)")
    }

    /// The default list takes the URL form each chat service documents (and each format's
    /// doc comment names), and no other host.
    @Test(arguments: [
        "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
        "https://discord.com/api/webhooks/123456789012345678/abcdefg",
        "https://discordapp.com/api/webhooks/123456789012345678/abcdefg",
        "https://prod-00.westus.logic.azure.com:443/workflows/0a1b/triggers/manual/paths/invoke?api-version=2016-06-01&sig=x",
        "https://default0a1b.2c.environment.api.powerplatform.com:443/powerautomate/automations/direct/workflows/0a/triggers/manual/paths/invoke?sig=x",
        "https://contoso.webhook.office.com/webhookb2/0a1b@0a1b/IncomingWebhook/0a/0a",
        "https://chat.googleapis.com/v1/spaces/AAAA/messages?key=k&token=t",
        "https://api.telegram.org/bot123:ABC/sendMessage?chat_id=-100123",
        "https://hook.dooray.com/services/1/2/abc",
        "https://wh.jandi.com/connect-api/webhook/15292345/abc",
        "https://kakaowork.com/bots/hook/abc",
    ])
    func theStandardListTakesEachChatServicesWebhookURL(url: String) {
        #expect(WebhookHostAllowlist.problem(with: url, hosts: WebhookHostAllowlist.standard) == nil, "\(url)")
    }

    @Test func theStandardListRefusesOtherHosts() {
        for url in [
            "https://example.org/hook", "https://169.254.169.254/latest", "https://localhost/x",
            "https://slack.com/api/chat.postMessage", "https://api.kakaowork.com.evil.example/x",
        ] {
            #expect(WebhookHostAllowlist.problem(with: url, hosts: WebhookHostAllowlist.standard) != nil, "\(url)")
        }
    }
}

/// How `web_webhook_hosts` is written in `concertd.conf`.
@Suite struct WebWebhookHostsKeyTests {
    @Test func wildcardsAndPortsAreRead() throws {
        let parsed = try ConfigurationValueFormat<[String]>.hostList.parse(
            "Hooks.Slack.com, *.logic.azure.com 127.0.0.1:8099,hooks.slack.com")
        #expect(parsed == ["hooks.slack.com", "*.logic.azure.com", "127.0.0.1:8099"])
    }

    @Test(arguments: [
        "*.", "*", "a.*.b", "hooks.slack.com.", "host:0", "host:70000", "host:", "host:x", "bad_host", "",
    ])
    func aBadEntryIsRefused(text: String) {
        #expect(throws: ConfigurationValueError.self, "\(text)") {
            try ConfigurationValueFormat<[String]>.hostList.parse(text)
        }
    }
}
