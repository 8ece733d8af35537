import Foundation
import Testing

@testable import ConcertCore

/// The `web_*` keys: their defaults, what each accepts, and mistakes placed on their line.
@Suite struct WebConfigurationTests {
    private func load(_ text: String) throws -> DaemonConfiguration {
        try ConfigurationLoader(environment: [:]).load(contents: text, file: "/etc/concertd/concertd.conf")
    }

    @Test func theFrontDoorIsOffByDefault() throws {
        let defaults = try load("")
        #expect(defaults.webListen == nil)
        #expect(defaults.effectiveWebBaseURL == nil)
        #expect(defaults.webTrustedProxies == .none)
        #expect(defaults.webConfirmationsPerAddress == 3)
        #expect(defaults.webConfirmationsPerClient == 10)
        #expect(defaults.webWebhooks == false)
        #expect(defaults.webWebhookHosts.contains("hooks.slack.com"))
    }

    @Test func everyKeyIsReadFromTheFile() throws {
        let configuration = try load(
            """
            web_listen = 127.0.0.1:8080
            web_base_url = https://concerts.example.org/alerts/
            web_trusted_proxies = 127.0.0.1, 10.0.0.0/8, ::1
            web_confirmations_per_address = 5
            web_confirmations_per_client = 50
            web_webhooks = on
            web_webhook_hosts = hooks.slack.com, Discord.com
            """)
        #expect(configuration.webListen == ListenAddress(host: "127.0.0.1", port: 8080))
        #expect(configuration.effectiveWebBaseURL == "https://concerts.example.org/alerts")
        #expect(configuration.webTrustedProxies.contains("127.0.0.1"))
        #expect(configuration.webTrustedProxies.contains("10.20.30.40"))
        #expect(configuration.webTrustedProxies.contains("::1"))
        #expect(configuration.webTrustedProxies.contains("::ffff:10.0.0.1"))
        #expect(!configuration.webTrustedProxies.contains("192.0.2.1"))
        #expect(!configuration.webTrustedProxies.contains("not an address"))
        #expect(configuration.webConfirmationsPerAddress == 5)
        #expect(configuration.webConfirmationsPerClient == 50)
        #expect(configuration.webWebhooks)
        #expect(configuration.webWebhookHosts == ["hooks.slack.com", "discord.com"])
    }

    @Test func theBaseURLDefaultsToTheListenAddress() throws {
        #expect(try load("web_listen = [::1]:8080\n").effectiveWebBaseURL == "http://[::1]:8080")
    }

    @Test(arguments: [
        (
            "web_base_url = http://concerts.example.org",
            "/etc/concertd/concertd.conf:2: key 'web_base_url': http:// is only for a loopback address (127.0.0.1, ::1, localhost): links in email must be https:// to be trusted"
        ),
        (
            "web_base_url = ftp://example.org",
            "/etc/concertd/concertd.conf:2: key 'web_base_url': the address must start with https://"
        ),
        (
            "web_base_url = https://example.org/?a=1",
            "/etc/concertd/concertd.conf:2: key 'web_base_url': the address may not have a user, a query or a fragment"
        ),
        (
            "web_base_url = concerts",
            "/etc/concertd/concertd.conf:2: key 'web_base_url': 'concerts' is not a URL with a host, such as https://concerts.example.org"
        ),
        (
            "web_trusted_proxies = 10.0.0.0/33",
            "/etc/concertd/concertd.conf:2: key 'web_trusted_proxies': "
        ),
        (
            "web_confirmations_per_address = 0",
            "/etc/concertd/concertd.conf:2: key 'web_confirmations_per_address': "
        ),
        (
            "web_confirmations_per_client = 99999999999999999999999",
            "/etc/concertd/concertd.conf:2: key 'web_confirmations_per_client': "
        ),
        ("web_webhooks = maybe", "/etc/concertd/concertd.conf:2: key 'web_webhooks': "),
        (
            "web_webhook_hosts = hooks.slack.com, bad_host",
            "/etc/concertd/concertd.conf:2: key 'web_webhook_hosts': 'bad_host' is not a host name"
        ),
        (
            "web_listen = 127.0.0.1",
            "/etc/concertd/concertd.conf:2: key 'web_listen': '127.0.0.1' has no port: write HOST:PORT, such as 127.0.0.1:9464 or [::1]:9464"
        ),
    ])
    func aBadValueIsPlacedOnItsLine(line: String, expected: String) {
        let found = problems(loading: "watchdog = on\n\(line)\n")
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix(expected) == true, "\(found)")
    }

    /// What `concertd run` and `check-config` print: each bad `web_*` value once, with email on
    /// and the listener set by the file and by the flag (the message builder's checks see the
    /// same keys).
    @Test func eachBadWebValueIsReportedOnceByTheResolver() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("concertd.conf").path
        try """
        web_listen = 127.0.0.1:48199
        web_base_url = ftp://example.org
        web_trusted_proxies = banana
        smtp_url = smtp://127.0.0.1:25
        mail_from = concerts@example.org
        retry_max = banana

        """.write(toFile: file, atomically: true, encoding: .utf8)
        for overrides in [ConfigurationOverrides(), ConfigurationOverrides(webListen: "127.0.0.1:48198")] {
            let (_, problems) = ConfigurationResolver(environment: [:])
                .resolveDespiteProblems(configFile: file, overrides: overrides)
            let lines = problems.map(\.description)
            #expect(lines.count == 3, "\(lines)")
            #expect(Set(lines).count == lines.count, "\(lines)")
        }
    }

    @Test func theURLTemplateNoLongerNeedsAMailto() throws {
        let configuration = try load("unsubscribe_url_template = https://example.org/u/{subscription}\n")
        #expect(configuration.unsubscribeURLTemplate == "https://example.org/u/{subscription}")
        #expect(configuration.unsubscribeMailto == nil)
    }

    @Test func theFlagOverridesTheFile() throws {
        var configuration = DaemonConfiguration()
        configuration.webListen = ListenAddress(host: "127.0.0.1", port: 8080)
        let merged = try configuration.merging(ConfigurationOverrides(webListen: "127.0.0.1:8081"))
        #expect(merged.webListen == ListenAddress(host: "127.0.0.1", port: 8081))
        #expect(throws: ConfigurationError.self) { try configuration.merging(ConfigurationOverrides(webListen: "x")) }
    }

    @Test func aChangedListenerNeedsARestart() {
        let running = DaemonConfiguration()
        var next = running
        next.webListen = ListenAddress(host: "127.0.0.1", port: 8080)
        next.webConfirmationsPerClient = 20
        #expect(running.keysRequiringRestart(toBecome: next) == ["web_listen", "web_confirmations_per_client"])
    }
}
