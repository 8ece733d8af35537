import Foundation
import Testing

@testable import ConcertCore

/// What the builder refuses to write, and why.
@Suite(.timeLimit(.minutes(1)))
struct EmailBuilderErrorTests {
    private func code(_ body: () throws -> Data) -> String? {
        do {
            _ = try body()
            return nil
        } catch let error as EmailMessageError {
            return error.code
        } catch {
            return "unexpected \(error)"
        }
    }

    @Test func webhookSubscriptionIsRefused() {
        let message = EmailFixtures.message(
            .reminder, channel: .webhook(url: "https://x.example/h", format: "generic", secret: nil))
        #expect(
            code { try EmailFixtures.build(message, EmailFixtures.content(.reminder, language: .ko)) }
                == "not_email_subscription")
    }

    @Test func recipientThatWouldInjectAHeaderIsRefused() {
        let message = EmailFixtures.message(.reminder, channel: .email("citizen@example.com\r\nBcc: all@example.com"))
        #expect(
            code { try EmailFixtures.build(message, EmailFixtures.content(.reminder, language: .ko)) }
                == "invalid_recipient")
    }

    @Test func invalidSettingsAreRefusedWithEveryProblem() {
        let settings = EmailSettings(
            fromAddress: "알림@example.org", unsubscribeURLTemplate: "http://example.org/unsubscribe")
        #expect(settings.problems().count == 2)
        #expect(
            code {
                try EmailFixtures.build(
                    EmailFixtures.message(.reminder), EmailFixtures.content(.reminder, language: .ko),
                    settings: settings)
            } == "invalid_settings")
    }

    @Test func unsubscribeTemplateMustNameTheSubscription() {
        let settings = EmailSettings(
            fromAddress: "alerts@example.org", unsubscribeURLTemplate: "https://example.org/unsubscribe")
        #expect(
            settings.problems() == [
                "unsubscribe URL template: it must contain {subscription} so that each subscriber gets their own link"
            ])
    }

    @Test func messageIDDomainDefaultsToTheSenderDomain() {
        #expect(EmailSettings(fromAddress: "alerts@mail.example.org").messageIDDomain == "mail.example.org")
        #expect(EmailFixtures.settings.problems() == [])
    }
}
