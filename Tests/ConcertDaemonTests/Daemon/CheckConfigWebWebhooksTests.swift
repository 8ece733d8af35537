import Foundation
import Testing

/// `check-config` says what `web_webhooks` came to, in the words the configuration is written
/// back in (`on`/`off`), whichever accepted spelling the file used, and that a value it cannot
/// read is refused naming the accepted ones.
@Suite(.serialized, .timeLimit(.minutes(1))) struct CheckConfigWebWebhooksTests {
    func check(_ configuration: String) throws -> CheckConfigTests.Outcome {
        let folder = TemporarySocket()
        defer { folder.remove() }
        let checker = CheckConfigTests()
        try checker.write(configuration, to: folder.directory + "/concertd.conf")
        return try checker.checkConfig(
            [folder.directory + "/concertd.conf", "--catalog", TestDaemon.catalogPath], directory: folder.directory)
    }

    @Test(arguments: [("yes", "on"), ("true", "on"), ("1", "on"), ("no", "off"), ("off", "off")])
    func theEffectiveValueIsPrinted(spelling: String, effective: String) throws {
        let outcome = try check("web_listen = 127.0.0.1:8080\nweb_webhooks = \(spelling)\n")
        #expect(outcome.status == 0, "\(outcome.error)")
        #expect(
            outcome.output.contains("web: chat channels (web_webhooks) \(effective)"), "\(outcome.output)")
    }

    @Test func anUnreadableValueIsRefusedNamingTheSpellings() throws {
        let outcome = try check("web_listen = 127.0.0.1:8080\nweb_webhooks = enabled\n")
        #expect(outcome.status == 78)
        #expect(outcome.error.contains("web_webhooks"), "\(outcome.error)")
        #expect(outcome.error.contains("yes/no, true/false, 1/0"), "\(outcome.error)")
    }

    @Test func withoutTheListenerItIsSaidToHaveNoEffect() throws {
        let outcome = try check("web_webhooks = yes\n")
        #expect(outcome.status == 0, "\(outcome.error)")
        #expect(outcome.output.contains("web_webhooks = on has no effect without web_listen"), "\(outcome.output)")
    }
}
