import Testing

@testable import ConcertCore

@Suite struct SecretScrubberTests {
    @Test(.timeLimit(.minutes(1)))
    func aWebhookURLLosesItsPathAndQuery() {
        let url = "https://hooks.slack.com/services/T000/B000/XXXXSECRET?token=abc123"
        let scrubbed = SecretScrubber.forURL(url).scrub(
            "Failed on \(url) at /services/T000/B000/XXXXSECRET or token=abc123")
        #expect(!scrubbed.contains("XXXXSECRET"))
        #expect(!scrubbed.contains("abc123"))
        #expect(scrubbed.contains("hooks.slack.com"))
    }

    @Test(.timeLimit(.minutes(1)))
    func aPasswordIsRemoved() {
        #expect(SecretScrubber.forPassword("hunter22").scrub("login hunter22 refused") == "login *** refused")
        #expect(SecretScrubber.forPassword(nil).scrub("nothing") == "nothing")
    }
}
