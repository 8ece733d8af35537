import ConcertCore
import Testing

/// What the scheduler asks of a subscription's channel instead of switching on its kind.
@Suite struct ChannelAddressSendingTests {
    static let email = ChannelAddress.email("a@example.org")
    static let slack = ChannelAddress.webhook(
        url: "https://hooks.slack.com/services/T/B/x", format: "slack", secret: nil)

    @Test func onlyAWebhooksHostIsSharedByUnrelatedSubscriptions() {
        #expect(!Self.email.destinationIsSharedHost)
        #expect(Self.slack.destinationIsSharedHost)
    }

    @Test func metricsNameTheWebhooksFormat() {
        #expect(Self.email.metricsName == "email")
        #expect(Self.slack.metricsName == "slack")
    }
}
