import ConcertCore
import Foundation
import Testing

/// The message confirming a new subscription (the "welcome") of several cities names each city's
/// next concert, not only the soonest one's city; with one city it reads as before.
@Suite(.timeLimit(.minutes(1))) struct SchedulerWelcomeCitiesTests {
    @Test func aConfirmationOfSeveralCitiesNamesEachCitysNextConcert() throws {
        let h = try SchedulerHarness(now: "2019-10-20T10:00")
        try h.scheduler.start()
        _ = try h.subscribe(["daegu", "busan", "sejong"], language: .en, confirm: true)
        #expect(h.webhook.kinds == ["confirmation:0s"], "one welcome, not one per city")
        let message = try #require(h.webhook.messages.first)
        #expect(message.cities.map(\.id) == ["daegu", "busan", "sejong"], "all the subscribed cities")
        #expect(message.nextConcerts.map(\.concert.id) == ["busan-2019", "sejong-2019", "daegu-2019"])
        let text = MessageRenderer().render(message).text
        #expect(text.hasPrefix("[Daegu, Busan and Sejong] Subscribed"), "\(text)")
        for (city, date) in [("Busan", "25 October"), ("Sejong", "Sunday 27"), ("Daegu", "29 October")] {
            let line = text.split(separator: "\n").first { $0.hasPrefix("Next concert in \(city) (") }
            #expect(line != nil, "no line for \(city) in:\n\(text)")
            let when = text.components(separatedBy: "Next concert in \(city) (").last ?? ""
            #expect(when.contains(date), "\(city): \(date) in:\n\(text)")
        }
    }

    @Test func aConfirmationOfOneCityReadsAsBefore() throws {
        let h = try SchedulerHarness(now: "2019-10-20T10:00")
        try h.scheduler.start()
        _ = try h.subscribe(["buyeo"], language: .en, confirm: true)
        let message = try #require(h.webhook.messages.first)
        #expect(message.delivery.detail == nil)
        let text = MessageRenderer().render(message).text
        #expect(text.hasPrefix("[Buyeo] Subscribed"))
        #expect(text.contains("\nNext concert ("), "\(text)")
        #expect(!text.contains("Next concert in"))
    }

    /// A subscriber of both cities of the joint Gongju–Buyeo concert hears of it once, for both.
    @Test func aConcertServingTwoSubscribedCitiesIsNamedOnceForBoth() throws {
        let h = try SchedulerHarness(now: "2019-10-20T10:00")
        try h.scheduler.start()
        _ = try h.subscribe(["gongju", "buyeo", "daegu"], language: .en, confirm: true)
        let message = try #require(h.webhook.messages.first)
        #expect(message.nextConcerts.map(\.concert.id) == ["gongju-buyeo-2019", "daegu-2019"])
        let text = MessageRenderer().render(message).text
        #expect(text.contains("Next concert in Gongju and Buyeo ("), "\(text)")
        #expect(text.contains("Next concert in Daegu ("), "\(text)")
    }
}
