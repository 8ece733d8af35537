import ConcertCore
import Foundation
import GRDB
import Testing

/// Deliveries of one message share what is built for it (`SharedMessageParts`); others do not.
@Suite(.timeLimit(.minutes(1))) struct SchedulerSharingTests {
    @Test func subscribersOfOneMessageShareItsPartsAndOtherMessagesDoNot() throws {
        let h = try SchedulerHarness(now: "2019-10-22T13:00")
        for index in 0..<3 {
            _ = try h.subscribe(["daegu"], webhook: "https://h\(index).example.org/x")
        }
        _ = try h.subscribe(["daegu"], webhook: "https://en.example.org/x", language: .en)
        try h.scheduler.start()
        h.advance(to: "2019-10-22T14:00")
        let messages = h.webhook.messages
        #expect(messages.count == 4)
        let korean = messages.filter { $0.subscription.language == .ko }.map { ObjectIdentifier($0.shared) }
        let english = messages.filter { $0.subscription.language == .en }.map { ObjectIdentifier($0.shared) }
        #expect(Set(korean).count == 1)
        #expect(english.count == 1)
        #expect(!korean.contains(english[0]))
    }

    @Test func aSharedPartIsBuiltOnceAndAFailedBuildIsNotKept() throws {
        let parts = SharedMessageParts()
        var builds = 0
        #expect(
            parts.value("a") {
                builds += 1
                return "x"
            } == "x")
        #expect(
            parts.value("a") {
                builds += 1
                return "y"
            } == "x")
        #expect(builds == 1)
        struct Failure: Error {}
        #expect(throws: Failure.self) { try parts.value("b") { () throws -> String in throw Failure() } }
        #expect(parts.value("b") { "z" } == "z")
    }

    @Test func genericBodiesOfOneMessageDifferOnlyInTheDeliverysOwnFields() throws {
        let first = OutboundMessage.sample(url: "https://a.example.org/hook")
        var second = OutboundMessage.sample(url: "https://b.example.org/hook")
        second.shared = first.shared
        second.delivery.id = 2
        second.delivery.idempotencyKey = "key-2"
        let rendered = RenderedMessage(subject: "제목", text: "제목\n\n본문", html: "<p>본문</p>", language: .ko)
        func body(_ message: OutboundMessage) throws -> [String: Any] {
            let request = try GenericWebhook().request(
                for: WebhookInput(
                    message: message, rendered: rendered, url: message.subscription.channel.target,
                    secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", attemptTime: Date()))
            return try #require(JSONSerialization.jsonObject(with: request.body) as? [String: Any])
        }
        var one = try body(first)
        var two = try body(second)
        #expect(one["delivery_id"] as? Int == 1)
        #expect(two["delivery_id"] as? Int == 2)
        #expect(two["idempotency_key"] as? String == "key-2")
        for key in ["delivery_id", "idempotency_key"] {
            one[key] = nil
            two[key] = nil
        }
        #expect(NSDictionary(dictionary: one).isEqual(to: two))
    }
}
