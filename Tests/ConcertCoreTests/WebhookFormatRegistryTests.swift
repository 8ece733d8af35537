import Foundation
import Testing

@testable import ConcertCore

@Suite struct WebhookFormatRegistryTests {
    @Test(arguments: [
        ("https://hooks.slack.com/services/T0/B0/X", "slack"),
        ("https://discord.com/api/webhooks/1/abc", "discord"),
        ("https://discordapp.com/api/webhooks/1/abc", "discord"),
        ("https://ptb.discord.com/api/webhooks/1/abc", "discord"),
        ("https://contoso.webhook.office.com/webhookb2/abc", "teams"),
        ("https://prod-12.westus.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke", "teams"),
        ("https://default0000.00.environment.api.powerplatform.com/powerautomate/automations/direct", "teams"),
        ("https://chat.googleapis.com/v1/spaces/AAA/messages?key=k&token=t", "googlechat"),
        ("https://api.telegram.org/bot1:abc/sendMessage?chat_id=1", "telegram"),
        ("https://hook.dooray.com/services/1/2/abc", "dooray"),
        ("https://wh.jandi.com/connect-api/webhook/1/abc", "jandi"),
        ("https://kakaowork.com/bots/hook/abc", "kakaowork"),
        ("https://HOOKS.SLACK.COM/services/T0/B0/X", "slack"),
        ("https://mattermost.example.org/hooks/abc", "generic"),
        ("https://example.org/hooks.slack.com", "generic"),
        ("https://notdiscord.com/api/webhooks/1/abc", "generic"),
        ("https://hooks.slack.com.example.org/x", "generic"),
        ("http://127.0.0.1:8080/hook", "generic"),
    ])
    func formatIsInferredFromTheHost(url: String, expected: String) {
        #expect(WebhookFormatRegistry.inferredName(forURL: url) == expected)
    }

    @Test func mattermostIsChosenOnlyByName() throws {
        #expect(WebhookFormatRegistry.hostSuffixes.allSatisfy { $0.format != "mattermost" })
        #expect(
            try WebhookFormatRegistry.resolve(name: "Mattermost", url: "https://chat.example.org/hooks/x").name
                == "mattermost"
        )
    }

    @Test func givenNameWinsOverTheHost() throws {
        #expect(
            try WebhookFormatRegistry.resolve(name: "generic", url: "https://hooks.slack.com/services/x").name
                == "generic")
        #expect(try WebhookFormatRegistry.resolve(name: nil, url: "https://hooks.slack.com/services/x").name == "slack")
        #expect(
            try WebhookFormatRegistry.resolve(name: " ", url: "https://discord.com/api/webhooks/1/x").name == "discord")
    }

    @Test func unknownFormatNameIsAnErrorListingTheValidOnes() {
        #expect {
            try WebhookFormatRegistry.named("msteams")
        } throws: { error in
            let description = "\(error)"
            return (error as? WebhookFormatError)?.code == "unknown_format" && description.contains("'msteams'")
                && WebhookFormatRegistry.names.allSatisfy { description.contains($0) }
        }
    }

    @Test func everyFormatHasAUniqueLowercaseName() {
        let names = WebhookFormatRegistry.names
        #expect(Set(names).count == names.count)
        #expect(names == names.map { $0.lowercased() })
        #expect(
            names == [
                "generic", "slack", "mattermost", "discord", "teams", "googlechat", "telegram", "dooray", "jandi",
                "kakaowork",
            ])
    }

    @Test func requestForASubscriptionUsesItsStoredFormatAndSecret() throws {
        let message = MessageFixtures.message(
            kind: .reminder, language: .en,
            channel: .webhook(url: MessageFixtures.urls["discord"]!, format: "discord", secret: nil))
        let request = try WebhookFormatRegistry.request(
            for: message, rendered: MessageRenderer().render(message), attemptTime: MessageFixtures.attemptTime)
        #expect(request.url == MessageFixtures.urls["discord"])
        #expect(String(decoding: request.body, as: UTF8.self).hasPrefix(#"{"content":"[Daegu]"#))

        let signed = MessageFixtures.message(kind: .reminder, language: .en)
        let generic = try WebhookFormatRegistry.request(
            for: signed, rendered: MessageRenderer().render(signed), attemptTime: MessageFixtures.attemptTime)
        #expect(generic.header("webhook-id") == signed.delivery.idempotencyKey)
        #expect(generic.header("webhook-timestamp") == "1572238800")
    }

    @Test func emailSubscriptionHasNoWebhookRequest() {
        let message = MessageFixtures.message(kind: .test, language: .ko, channel: .email("office@example.org"))
        #expect {
            try WebhookFormatRegistry.request(
                for: message, rendered: MessageRenderer().render(message), attemptTime: Date())
        } throws: { error in
            (error as? WebhookFormatError)?.code == "not_a_webhook"
        }
    }

    @Test func chatRequestsCarryTheIdempotencyKeyAndGenericCarriesWebhookID() throws {
        let message = MessageFixtures.message(kind: .change, language: .ko)
        for name in WebhookFormatRegistry.names {
            let request = try MessageFixtures.request(format: name, message: message)
            if name == "generic" {
                #expect(request.header("webhook-id") == message.delivery.idempotencyKey)
            } else {
                #expect(request.header("Idempotency-Key") == message.delivery.idempotencyKey, "\(name)")
            }
        }
    }
}
