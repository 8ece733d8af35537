import ConcertCore
import Foundation
import Testing

/// The subscriptions through ``SubscriptionStore`` on both engines: what a subscription plans,
/// the same-subscription rule, the listings and their order, the state changes and what they
/// do to pending messages and the counters.
@Suite(.timeLimit(.minutes(3)))
struct SubscriptionStoreTests {
    let now = StoreFixtures.now

    func opened(_ engine: StoreEngine) async throws -> OpenedStore {
        let store = try await engine.openNew()
        try StoreFixtures.insertCatalog(store)
        return store
    }

    /// The non-zero counters whose names start with one of `prefixes`.
    func counters(_ store: OpenedStore, _ prefixes: String...) throws -> [String: Int] {
        try store.history.counters().filter { name, value in value != 0 && prefixes.contains { name.hasPrefix($0) } }
    }

    @Test(arguments: StoreEngine.allCases)
    func aSubscriptionPlansItsRemindersAndAConfirmationNamingTheNextConcert(engine: StoreEngine) async throws {
        let store = try await opened(engine)
        let new = try StoreFixtures.email("one@example.org", ["busan", "daegu"])
        let (created, next) = try store.subscriptionStore.createSubscription(new, now: now)
        #expect(created.state == .active)
        #expect(created.createdAt == now)
        let expected = try #require(
            DeliveryPlanner.nextConcert(
                of: StoreFixtures.storedConcerts.filter { !Set($0.concert.cities).isDisjoint(with: new.cities) },
                now: now))
        #expect(next?.concert.id == expected.concert.id)
        let reminders = StoreFixtures.plannedReminderCount(["busan", "daegu"], offsets: new.offsets)
        #expect(reminders > 0)
        let rows = try store.history.deliveries(subscriptionID: created.id, limit: 100)
        // Newest first: the confirmation was planned last.
        #expect(rows.first?.kind == .confirmation)
        #expect(rows.first?.concertID == expected.concert.id)
        #expect(rows.filter { $0.kind == .reminder }.count == reminders)
        #expect(rows.count == reminders + 1)
        #expect(rows.allSatisfy { $0.state == .scheduled })
        #expect(rows.map(\.id) == rows.map(\.id).sorted(by: >))
        #expect(
            try counters(store, "subscription", "delivery.") == [
                "subscription.active": 1, "subscription_source.control.active": 1,
                "delivery.scheduled": reminders + 1,
            ])
        #expect(try store.subscriptionStore.subscription(id: created.id) == created)
        #expect(try store.subscriptionStore.subscription(id: "sub-none") == nil)
        #expect(try store.subscriptionStore.subscriptionChangedAt(id: created.id) == now)
    }

    @Test(arguments: StoreEngine.allCases)
    func withoutConfirmationOnlyRemindersArePlanned(engine: StoreEngine) async throws {
        let store = try await opened(engine)
        let new = try StoreFixtures.webhook(["siheung"], before: "1d")
        let (created, next) = try store.subscriptionStore.createSubscription(new, now: now, confirm: false)
        #expect(next?.concert.id == "siheung-2019")
        let rows = try store.history.deliveries(subscriptionID: created.id, limit: 100)
        #expect(rows.map(\.kind) == [.reminder])
        #expect(rows.first?.offset == ReminderOffset(seconds: 86_400))
    }

    // The same subscription (ported from StoreSameSubscriptionTests).

    @Test(arguments: StoreEngine.allCases)
    func theSameChannelCitiesRemindersAndLanguageAreAConflictNamingTheExistingOne(engine: StoreEngine) async throws {
        let store = try await opened(engine).subscriptionStore
        let (first, _) = try store.createSubscription(try StoreFixtures.webhook(["busan", "daegu"]), now: now)
        // Another label, the cities in another order, offsets spelt otherwise: the same subscription.
        let again = try StoreFixtures.webhook(["daegu", "busan"], before: "24h,7d", label: "again")
        let error = try #require(throws: StoreError.self) { try store.createSubscription(again, now: now) }
        #expect(error.code == .conflict)
        #expect(error.message.contains(first.id))
        #expect(try store.subscriptions().count == 1)
    }

    @Test(arguments: StoreEngine.allCases)
    func anotherFormatLanguageCityOrOffsetIsAnotherSubscription(engine: StoreEngine) async throws {
        let store = try await opened(engine).subscriptionStore
        _ = try store.createSubscription(try StoreFixtures.webhook(["busan"]), now: now)
        for other in [
            try StoreFixtures.webhook(["busan"], format: "generic"), try StoreFixtures.webhook(["busan"], lang: .en),
            try StoreFixtures.webhook(["busan", "daegu"]), try StoreFixtures.webhook(["busan"], before: "7d"),
            try StoreFixtures.webhook(["busan"], url: "https://hooks.slack.com/services/T0/B0/Y"),
        ] {
            _ = try store.createSubscription(other, now: now)
        }
        #expect(try store.subscriptions().count == 6)
    }

    @Test(arguments: StoreEngine.allCases)
    func aPausedOneIsNamedWithHowToResumeItAndARemovedOneDoesNotCount(engine: StoreEngine) async throws {
        let store = try await opened(engine).subscriptionStore
        let (first, _) = try store.createSubscription(try StoreFixtures.webhook(["busan"]), now: now)
        try store.setSubscriptionState(id: first.id, to: .paused, now: now)
        let error = try #require(throws: StoreError.self) {
            try store.createSubscription(try StoreFixtures.webhook(["busan"]), now: now)
        }
        #expect(error.message.contains("it is paused: `concertctl resume \(first.id)` resumes it"))
        try store.setSubscriptionState(id: first.id, to: .removed, now: now)
        _ = try store.createSubscription(try StoreFixtures.webhook(["busan"]), now: now)
    }

    /// Two instances creating the same subscription at once: one is stored, the other refused.
    @Test(arguments: StoreEngine.allCases)
    func twoInstancesCreatingTheSameSubscriptionTogetherStoreItOnce(engine: StoreEngine) async throws {
        let store = try await opened(engine)
        let stores: [any SubscriptionStore] = [store.subscriptionStore, try store.secondInstance()]
        let new = try StoreFixtures.email("same@example.org", ["busan"])
        let now = self.now
        let outcomes = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<8 {
                let one = stores[index % 2]
                group.addTask {
                    do {
                        _ = try one.createSubscription(new, now: now)
                        return true
                    } catch {
                        return false
                    }
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 }.count == 1)
        #expect(try store.subscriptionStore.subscriptions().count == 1)
    }

    // Listings.

    @Test(arguments: StoreEngine.allCases)
    func listingsAreInCreationOrderPagedByPositionWithoutRemovedOnes(engine: StoreEngine) async throws {
        let store = try await opened(engine).subscriptionStore
        var made: [Subscription] = []
        for (index, city) in ["busan", "daegu", "busan", "siheung", "busan"].enumerated() {
            // Later ones first in id order: the listing's order is the order of creation.
            let id = "sub-\(9 - index)"
            let at = now.addingTimeInterval(Double(index))
            made.append(
                try store.createSubscription(
                    try StoreFixtures.email("u\(index)@example.org", [city]), now: at, confirm: false, id: id
                ).0)
        }
        try store.setSubscriptionState(id: made[2].id, to: .removed, now: now)
        let live = made.enumerated().filter { $0.offset != 2 }.map(\.element.id)
        #expect(try store.subscriptions(city: nil, includeRemoved: false).map(\.id) == live)
        #expect(try store.subscriptions(city: nil, includeRemoved: true).map(\.id) == made.map(\.id))
        #expect(try store.subscriptions(city: "busan", includeRemoved: false).map(\.id) == [made[0].id, made[4].id])

        var paged: [String] = []
        var after: ListingPosition.Subscription?
        var positions: [ListingPosition.Subscription] = []
        while true {
            let page = try store.subscriptions(city: nil, after: after, limit: 2)
            if page.isEmpty { break }
            #expect(page.count <= 2)
            paged += page.map(\.entry.id)
            positions += page.map(\.position)
            after = page.last?.position
        }
        #expect(paged == live)
        #expect(positions == positions.sorted() && Set(positions).count == positions.count)
        let busan = try store.subscriptions(city: "busan", after: nil, limit: 10)
        #expect(busan.map(\.entry.id) == [made[0].id, made[4].id])
        #expect(
            try store.subscriptions(city: "busan", after: busan[0].position, limit: 10).map(\.entry.id) == [made[4].id])
    }

    @Test(arguments: StoreEngine.allCases)
    func activeEmailSubscriptionsAreCounted(engine: StoreEngine) async throws {
        let store = try await opened(engine).subscriptionStore
        let (one, _) = try store.createSubscription(try StoreFixtures.email("a@example.org", ["busan"]), now: now)
        _ = try store.createSubscription(try StoreFixtures.email("b@example.org", ["busan"]), now: now)
        _ = try store.createSubscription(try StoreFixtures.webhook(["busan"]), now: now)
        #expect(try store.activeEmailSubscriptionCount() == 2)
        try store.setSubscriptionState(id: one.id, to: .paused, now: now)
        #expect(try store.activeEmailSubscriptionCount() == 1)
    }

    // State changes.

    @Test(arguments: StoreEngine.allCases)
    func pausingSkipsPendingMessagesAndResumingBringsThemBack(engine: StoreEngine) async throws {
        let opened = try await opened(engine)
        let store = opened.subscriptionStore
        let (created, _) = try store.createSubscription(
            try StoreFixtures.email("a@example.org", ["busan"]), now: now, confirm: false)
        let planned = try opened.history.deliveries(subscriptionID: created.id, limit: 100)
        #expect(!planned.isEmpty)
        let later = now.addingTimeInterval(3600)
        let paused = try store.setSubscriptionState(id: created.id, to: .paused, reason: "holiday", now: later)
        #expect(paused.state == .paused && paused.stateReason == "holiday")
        #expect(try store.subscription(id: created.id)?.stateReason == "holiday")
        #expect(try store.subscriptionChangedAt(id: created.id) == later)
        let skipped = try opened.history.deliveries(subscriptionID: created.id, limit: 100)
        #expect(skipped.allSatisfy { $0.state == .skipped && $0.reason == .paused })
        #expect(try opened.history.upcoming(limit: 100).isEmpty)
        #expect(
            try counters(opened, "subscription", "delivery.") == [
                "subscription.paused": 1, "subscription_source.control.paused": 1, "delivery.skipped": planned.count,
            ])

        try store.setSubscriptionState(id: created.id, to: .active, now: later)
        let resumed = try opened.history.deliveries(subscriptionID: created.id, limit: 100)
        // The same rows (their identities), scheduled again, and no new ones.
        #expect(resumed.map(\.id) == planned.map(\.id))
        #expect(resumed.allSatisfy { $0.state == .scheduled && $0.reason == nil })
        #expect(
            try counters(opened, "subscription", "delivery.") == [
                "subscription.active": 1, "subscription_source.control.active": 1, "delivery.scheduled": planned.count,
            ])
        // A skip is a final state: its total is kept after the rows came back.
        #expect(
            FinishedDeliveryCount.totals(in: try opened.history.counters()) == [
                FinishedDeliveryCount(state: .skipped, kind: .reminder, channel: "email", count: planned.count)
            ])
    }

    @Test(arguments: StoreEngine.allCases)
    func aRemovedSubscriptionChangesNoMoreAndAnUnknownOneIsNotFound(engine: StoreEngine) async throws {
        let opened = try await opened(engine)
        let store = opened.subscriptionStore
        let (created, _) = try store.createSubscription(try StoreFixtures.email("a@example.org", ["daegu"]), now: now)
        try store.setSubscriptionState(id: created.id, to: .removed, reason: "unsubscribed", now: now)
        #expect(
            try opened.history.deliveries(subscriptionID: created.id, limit: 100).allSatisfy {
                $0.state == .skipped && $0.reason == .removed
            })
        #expect(try store.subscriptions().isEmpty)
        #expect(try store.subscription(id: created.id)?.state == .removed)
        for id in [created.id, "sub-none"] {
            let error = try #require(throws: StoreError.self) {
                try store.setSubscriptionState(id: id, to: .active, now: now)
            }
            #expect(error.code == .notFound)
        }
        #expect(try store.subscriptionChangedAt(id: "sub-none") == nil)
    }
}
