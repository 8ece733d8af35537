import ConcertCore
import Foundation
import Testing

/// A subscription that asks for the same as one that exists is refused with `conflict`, naming
/// it; one that differs in what its channel receives is not.
@Suite(.timeLimit(.minutes(1))) struct StoreSameSubscriptionTests {
    let now = Fixtures.korea("2019-10-01T00:00")

    func database() throws -> AppDatabase {
        let database = try AppDatabase.inMemory()
        try database.importCatalog(Fixtures.catalog, now: now)
        return database
    }

    func webhook(
        _ cities: [String], before: String = "7d,1d", format: String = "slack", lang: Language = .ko,
        label: String? = nil, secret: String? = nil, url: String = "https://hooks.slack.com/services/T0/B0/X"
    ) throws -> NewSubscription {
        NewSubscription(
            channel: .webhook(url: url, format: format, secret: secret), cities: cities,
            offsets: try ReminderOffset.parseList(before), language: lang, label: label)
    }

    @Test func theSameChannelCitiesRemindersAndLanguageAreAConflictNamingTheExistingOne() throws {
        let database = try database()
        let (first, _) = try database.createSubscription(try webhook(["busan", "daegu"]), now: now)
        // Another label, the cities in another order, offsets spelt otherwise: the same subscription.
        let again = try webhook(["daegu", "busan"], before: "24h,7d", label: "again")
        let error = try #require(throws: StoreError.self) { try database.createSubscription(again, now: now) }
        #expect(error.code == .conflict)
        #expect(error.message.contains(first.id))
        #expect(try database.subscriptions().count == 1)
    }

    @Test func anotherFormatLanguageCityOrOffsetIsAnotherSubscription() throws {
        let database = try database()
        _ = try database.createSubscription(try webhook(["busan"]), now: now)
        for other in [
            try webhook(["busan"], format: "generic"), try webhook(["busan"], lang: .en),
            try webhook(["busan", "daegu"]), try webhook(["busan"], before: "7d"),
            try webhook(["busan"], url: "https://hooks.slack.com/services/T0/B0/Y"),
        ] {
            _ = try database.createSubscription(other, now: now)
        }
        #expect(try database.subscriptions().count == 6)
    }

    @Test func aPausedOneIsNamedWithHowToResumeItAndARemovedOneDoesNotCount() throws {
        let database = try database()
        let (first, _) = try database.createSubscription(try webhook(["busan"]), now: now)
        try database.setSubscriptionState(id: first.id, to: .paused, now: now)
        let error = try #require(throws: StoreError.self) {
            try database.createSubscription(try webhook(["busan"]), now: now)
        }
        #expect(error.message.contains("it is paused: `concertctl resume \(first.id)` resumes it"))
        try database.setSubscriptionState(id: first.id, to: .removed, now: now)
        _ = try database.createSubscription(try webhook(["busan"]), now: now)
    }

    @Test func anImportRefusesALineRepeatingAnEarlierOneOrAStoredOne() throws {
        let database = try database()
        _ = try database.createSubscription(try webhook(["busan"]), now: now)
        var refused: [Int] = []
        let imported = try database.importSubscriptions(now: now) { importer in
            let lines = [try webhook(["daegu"]), try webhook(["busan"]), try webhook(["daegu"], label: "x")]
            for (number, line) in lines.enumerated() {
                do {
                    _ = try importer.add(line)
                } catch let error as StoreError where error.code == .conflict {
                    refused.append(number + 1)
                }
            }
        }
        #expect(imported == 1)
        #expect(refused == [2, 3])
    }
}
