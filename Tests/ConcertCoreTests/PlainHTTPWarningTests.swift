import Testing

@testable import ConcertCore

/// `http://` webhooks are accepted with a warning, except to the machine itself.
@Suite struct PlainHTTPWarningTests {
    @Test(arguments: [
        "http://hooks.example.org/x", "HTTP://chat.example.org/hooks/abc", "http://10.0.0.5:8065/hooks/abc",
        "http://192.168.1.20/hook", "http://[fd00::5]/hook", "http://[fe80::1]/hook", "http://localhost.example.org/",
    ])
    func aURLSentInClearOverTheNetworkGetsAWarning(url: String) {
        let warning = WebhookURL.plainHTTPWarning(for: url)
        #expect(warning?.hasPrefix("the webhook URL uses http://") == true, "\(url)")
        #expect(warning?.contains("use https://") == true)
    }

    @Test(arguments: [
        "https://hooks.slack.com/services/T0/B0/X", "http://127.0.0.1:8080/hook", "http://127.8.9.10/hook",
        "http://[::1]:8080/hook", "http://localhost:8080/hook", "http://LocalHost./hook", "http://relay.localhost/x",
        "http://[::ffff:127.0.0.1]/hook", "http://2130706433/hook",
    ])
    func anHTTPSOrLoopbackURLGetsNone(url: String) {
        #expect(WebhookURL.plainHTTPWarning(for: url) == nil, "\(url)")
    }

    @Test func theWarningNeverQuotesTheURL() {
        let warning = WebhookURL.plainHTTPWarning(for: "http://chat.example.org/hooks/xjq8c7n3mbyq5ecgr9q4brf3hr")
        #expect(warning != nil)
        #expect(warning?.contains("xjq8c7n3") == false)
        #expect(warning?.contains("chat.example.org") == false)
    }
}
