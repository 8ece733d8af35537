import Foundation
import GRDB
import Testing

@testable import ConcertCore

/// One live web subscription per address or channel: a second confirmed request changes it
/// (cities, offsets, language), its pending reminders planned again, its id (and so every link
/// already sent) kept. A subscription an operator made is left alone.
@Suite struct StoreWebResubscribeTests {
    let now = Fixtures.korea("2019-10-01T00:00")

    func database() throws -> AppDatabase {
        let database = try AppDatabase.inMemory()
        try database.importCatalog(Fixtures.catalog, now: now)
        return database
    }

    func request(
        _ id: String, _ channel: ChannelAddress = .email("kim@example.org"), cities: [String], offsets: [Int],
        language: Language = .en
    ) -> PendingWebRequest {
        PendingWebRequest(
            id: id,
            subscription: NewSubscription(
                channel: channel, cities: cities, offsets: offsets.map(ReminderOffset.init), language: language),
            expires: now.addingTimeInterval(48 * 3600))
    }

    func confirm(_ database: AppDatabase, _ request: PendingWebRequest, at time: Date? = nil) throws -> String {
        _ = try database.requestWebSubscription(request, limits: [], now: time ?? now)
        let outcome = try database.confirmWebSubscription(requestID: request.id, confirm: false, now: time ?? now)
        guard case .confirmed(let id) = outcome else { throw StoreError(.notFound, "not confirmed: \(outcome)") }
        return id
    }

    /// (concert, offset) of the subscription's scheduled reminders.
    func scheduled(_ database: AppDatabase, _ id: String) throws -> Set<String> {
        try database.writer.read { db in
            Set(
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT concert_id, offset_seconds FROM delivery
                        WHERE subscription_id = ? AND state = 'scheduled' AND kind = 'reminder'
                        """, arguments: [id]
                ).map { "\($0[0] as String)@\($0[1] as Int)" })
        }
    }

    @Test func aSecondRequestOfTheSameAddressChangesTheFirstSubscription() throws {
        let database = try database()
        let first = try confirm(database, request("req-1", cities: ["busan"], offsets: [86_400]))
        #expect(try scheduled(database, first).allSatisfy { $0.hasSuffix("@86400") })
        let second = try confirm(
            database, request("req-2", .email("Kim@Example.org"), cities: ["daegu"], offsets: [3600], language: .ko))
        #expect(second == first, "a second subscription was made")
        let live = try database.subscriptions().filter { $0.state != .removed }
        #expect(live.count == 1)
        let changed = try #require(try database.subscription(id: first))
        #expect(changed.cities == ["daegu"])
        #expect(changed.offsets == [ReminderOffset(seconds: 3600)])
        #expect(changed.language == .ko)
        let reminders = try scheduled(database, first)
        #expect(!reminders.isEmpty)
        #expect(reminders.allSatisfy { $0.hasPrefix("daegu") && $0.hasSuffix("@3600") }, "\(reminders)")
        // The first request's link still names the live subscription.
        #expect(
            try database.confirmWebSubscription(requestID: "req-1", confirm: false, now: now)
                == .alreadyConfirmed(subscriptionID: first))
    }

    @Test func aPausedWebSubscriptionAskedForAgainIsResumed() throws {
        let database = try database()
        let first = try confirm(database, request("req-1", cities: ["busan"], offsets: [86_400]))
        try database.setSubscriptionState(id: first, to: .paused, reason: "paused on the web", now: now)
        #expect(try scheduled(database, first).isEmpty)
        #expect(try confirm(database, request("req-2", cities: ["busan"], offsets: [3600])) == first)
        #expect(try database.subscription(id: first)?.state == .active)
        #expect(try scheduled(database, first).allSatisfy { $0.hasSuffix("@3600") })
        #expect(!(try scheduled(database, first)).isEmpty)
    }

    @Test func aChannelIsOneSubscriptionToo() throws {
        let database = try database()
        let url = "https://hooks.slack.com/services/T0/B0/abc"
        let channel = ChannelAddress.webhook(url: url, format: "slack", secret: nil)
        let first = try confirm(database, request("req-1", channel, cities: ["busan"], offsets: [86_400]))
        let second = try confirm(database, request("req-2", channel, cities: ["busan", "daegu"], offsets: [3600]))
        #expect(second == first)
        #expect(try database.subscription(id: first)?.cities == ["busan", "daegu"])
    }

    @Test func aRemovedWebSubscriptionIsNotChangedButANewOneMade() throws {
        let database = try database()
        let first = try confirm(database, request("req-1", cities: ["busan"], offsets: [86_400]))
        try database.setSubscriptionState(id: first, to: .removed, reason: "unsubscribed on the web", now: now)
        let second = try confirm(database, request("req-2", cities: ["busan"], offsets: [3600]))
        #expect(second != first)
        #expect(try database.subscription(id: first)?.state == .removed)
    }

    @Test func anOperatorsSubscriptionOfTheAddressIsLeftAlone() throws {
        let database = try database()
        let (operators, _) = try database.createSubscription(
            NewSubscription(
                channel: .email("kim@example.org"), cities: ["busan"], offsets: [ReminderOffset(seconds: 86_400)]),
            now: now, confirm: false)
        let web = try confirm(database, request("req-1", cities: ["daegu"], offsets: [3600]))
        #expect(web != operators.id)
        let kept = try #require(try database.subscription(id: operators.id))
        #expect(kept.cities == ["busan"] && kept.offsets == [ReminderOffset(seconds: 86_400)])
        #expect(kept.state == .active)
    }
}

extension StoreWebResubscribeTests {
    /// Unsubscribed, subscribed again on the form, then the old page's undo pressed: the undo
    /// leads to the web subscription the address has, and makes no second one.
    @Test func anUndoWhenTheAddressHasAWebSubscriptionAgainMakesNoSecond() throws {
        let database = try database()
        let first = try confirm(database, request("req-1", cities: ["busan"], offsets: [86_400]))
        try database.setSubscriptionState(id: first, to: .removed, reason: "unsubscribed on the web", now: now)
        let again = try confirm(database, request("req-2", cities: ["daegu"], offsets: [3600]))
        #expect(again != first)
        #expect(try database.undoRemoval(subscriptionID: first, now: now) == .restored(subscriptionID: again))
        #expect(try database.subscriptions().filter { $0.state != .removed }.map(\.id) == [again])
        #expect(try database.subscription(id: again)?.cities == ["daegu"], "the later request's settings stay")
        #expect(try database.liveSubscriptionID(from: first) == again)
    }
}
