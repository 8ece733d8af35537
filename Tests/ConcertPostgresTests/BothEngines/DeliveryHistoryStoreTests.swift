import ConcertCore
import Foundation
import Testing

/// What the control commands read through ``DeliveryHistoryStore`` on both engines: the
/// deliveries newest first and their filters, the pending ones in due order page by page, the
/// preview's window, the last replies, a failed delivery put back, the unplanned reminders and
/// the counters (summed over instances on PostgreSQL).
@Suite(.timeLimit(.minutes(3)))
struct DeliveryHistoryStoreTests {
    let now = StoreFixtures.now

    func opened(_ engine: StoreEngine) async throws -> OpenedStore {
        let store = try await engine.openNew()
        try StoreFixtures.insertCatalog(store)
        return store
    }

    @Test(arguments: StoreEngine.allCases)
    func deliveriesAreNewestFirstFilteredAndPagedByID(engine: StoreEngine) async throws {
        let opened = try await opened(engine)
        let (a, _) = try opened.subscriptionStore.createSubscription(
            try StoreFixtures.email("a@example.org", ["busan", "daegu"]), now: now)
        let (b, _) = try opened.subscriptionStore.createSubscription(
            try StoreFixtures.email("b@example.org", ["busan"]), now: now)
        try opened.subscriptionStore.setSubscriptionState(id: b.id, to: .paused, now: now)
        let history = opened.history
        let all = try history.deliveries(limit: 1000)
        #expect(all.map(\.id) == all.map(\.id).sorted(by: >))
        #expect(Set(all.map(\.subscriptionID)) == [a.id, b.id])
        #expect(try history.deliveries(subscriptionID: a.id, limit: 1000) == all.filter { $0.subscriptionID == a.id })
        #expect(try history.deliveries(state: .skipped, limit: 1000) == all.filter { $0.state == .skipped })
        #expect(
            try history.deliveries(state: .scheduled, subscriptionID: b.id, limit: 1000).isEmpty)
        var paged: [Delivery] = []
        var before: Int64?
        repeat {
            let page = try history.deliveries(state: nil, subscriptionID: nil, before: before, limit: 3)
            paged += page
            before = page.count == 3 ? page.last?.id : nil
        } while before != nil
        #expect(paged == all)
        let one = try #require(all.last)
        #expect(try history.delivery(id: one.id) == one)
        #expect(try history.delivery(id: 999_999) == nil)
    }

    /// Hundreds of rows due at one moment (a fan-out): the pages follow due order, then id, with
    /// no row twice or left out.
    @Test(arguments: StoreEngine.allCases)
    func upcomingPagesFollowDueOrderThroughRowsDueTogether(engine: StoreEngine) async throws {
        let opened = try await opened(engine)
        let lines = try (0..<300).map { try StoreFixtures.email("u\($0)@example.org", ["busan", "siheung"]) }
        try opened.subscriptionStore.importSubscriptions(lines, now: now)
        let history = opened.history
        let everything = try history.upcoming(after: nil, limit: 100_000)
        #expect(
            everything.count == 300
                * StoreFixtures.plannedReminderCount(["busan", "siheung"], offsets: lines[0].offsets))
        let keys = everything.map { [$0.position.dueMillis, $0.position.id] }
        #expect(keys == keys.sorted { ($0[0], $0[1]) < ($1[0], $1[1]) })
        #expect(
            everything.allSatisfy {
                $0.position.id == $0.entry.id && $0.position.dueMillis == $0.entry.nextAttempt?.millis
            })
        var paged: [Int64] = []
        var after: ListingPosition.Due?
        while true {
            let page = try history.upcoming(after: after, limit: 7)
            guard let last = page.last else { break }
            paged += page.map(\.entry.id)
            after = last.position
        }
        #expect(paged == everything.map(\.entry.id))
        #expect(try history.upcoming(limit: 5).map(\.id) == Array(paged.prefix(5)))
    }

    @Test(arguments: StoreEngine.allCases)
    func pendingDeliveriesOfAWindowAndACityComeWithTheirSubscriptions(engine: StoreEngine) async throws {
        let opened = try await opened(engine)
        let (both, _) = try opened.subscriptionStore.createSubscription(
            try StoreFixtures.email("a@example.org", ["busan", "siheung"]), now: now, confirm: false)
        let (twin, _) = try opened.subscriptionStore.createSubscription(
            try StoreFixtures.email("a@example.org", ["daegu"]), now: now, confirm: false)
        let history = opened.history
        let all = try history.upcoming(after: nil, limit: 1000).map(\.entry)
        let from = now
        let to = try #require(all.map(\.due).sorted().dropFirst(all.count / 2).first)
        let window = try history.pendingDeliveries(from: from, to: to, city: nil, after: nil, limit: 1000)
        #expect(
            window.map(\.entry.delivery.id) == all.filter { $0.nextAttempt! >= from && $0.nextAttempt! <= to }.map(\.id)
        )
        #expect(window.allSatisfy { $0.entry.subscription.id == $0.entry.delivery.subscriptionID })
        // The same address subscribed twice: each row says so.
        #expect(window.allSatisfy { $0.entry.targetSubscribedTwice })
        let siheung = try history.pendingDeliveries(
            from: .distantPast, to: .distantFuture, city: "siheung", after: nil, limit: 1000)
        #expect(!siheung.isEmpty)
        #expect(
            siheung.allSatisfy { $0.entry.delivery.concertID == "siheung-2019" && $0.entry.subscription.id == both.id })
        #expect(
            try history.pendingDeliveries(
                from: .distantPast, to: .distantFuture, city: "daegu", after: nil, limit: 1000
            )
            .allSatisfy { $0.entry.subscription.id == twin.id })
        // Paged two at a time: the same rows.
        var paged: [Int64] = []
        var after: ListingPosition.Due?
        while true {
            let page = try history.pendingDeliveries(
                from: .distantPast, to: .distantFuture, city: nil, after: after, limit: 2)
            guard let last = page.last else { break }
            paged += page.map(\.entry.delivery.id)
            after = last.position
        }
        #expect(paged == all.map(\.id))
    }

    /// A delivery claimed, failed for good, its reply read back, then put back in the queue; a
    /// retry of a row that has not failed is refused.
    @Test(arguments: StoreEngine.allCases)
    func aFailedDeliveryShowsItsLastReplyAndIsPutBackByRetry(engine: StoreEngine) async throws {
        let opened = try await opened(engine)
        _ = try opened.subscriptionStore.createSubscription(
            try StoreFixtures.email("a@example.org", ["busan"]), now: now)
        let due = try opened.sending.dueDeliveries(now: now, limit: 10, excluding: [])
        #expect(due.map(\.delivery.kind) == [.confirmation])
        let claimed = try opened.sending.claim(due, skipping: [], now: now).sending
        let finished = now.addingTimeInterval(2)
        try opened.sending.record(
            claimed.map {
                DeliveryRecord(
                    delivery: $0.delivery, subscription: $0.subscription,
                    outcome: AttemptOutcome(name: "permanent", detail: "550 no such user"),
                    newState: .failed, nextAttempt: nil, reason: nil, error: "550 no such user", finishedAt: finished)
            })
        let failedID = try #require(claimed.first?.delivery.id)
        let history = opened.history
        let replies = try history.lastReplies(deliveryIDs: [failedID, 999_999])
        #expect(replies.keys.sorted() == [failedID])
        #expect(replies[failedID]?.finishedAt == finished)
        #expect(replies[failedID]?.detail == "550 no such user")
        #expect(try history.lastReplies(deliveryIDs: []).isEmpty)
        // Which instance made the attempt: PostgreSQL's instances share the store and each names
        // its attempts; a SQLite file has one daemon, and names none.
        let expectedInstances: [Int64: String] = engine == .postgresql ? [failedID: "a"] : [:]
        #expect(try history.lastAttemptInstances(deliveryIDs: [failedID, 999_999]) == expectedInstances)
        #expect(try history.lastAttemptInstances(deliveryIDs: []).isEmpty)
        #expect(try history.counters()["finished.failed.confirmation.email"] == 1)

        let retryAt = now.addingTimeInterval(60)
        try history.retryDelivery(id: failedID, now: retryAt)
        let retried = try #require(try history.delivery(id: failedID))
        #expect(retried.state == .retrying && retried.nextAttempt == retryAt && retried.finishedAt == nil)
        #expect(try history.upcoming(limit: 1).first?.id == failedID)
        let error = try #require(throws: StoreError.self) { try history.retryDelivery(id: failedID, now: retryAt) }
        #expect(error.code == .conflict)
        #expect(try history.counters()["delivery.retrying"] == 1)
        #expect(try history.counters()["delivery.failed"] ?? 0 == 0)
        // Claimed again: its second attempt has no answer yet, so no reply is listed.
        let again = try opened.sending.dueDeliveries(now: retryAt, limit: 10, excluding: [])
        #expect(try opened.sending.claim(again, skipping: [], now: retryAt).sending.map(\.delivery.id) == [failedID])
        #expect(try history.lastReplies(deliveryIDs: [failedID]).isEmpty)
        // The attempt in flight names who is sending it.
        #expect(try history.lastAttemptInstances(deliveryIDs: [failedID]) == expectedInstances)
    }

    /// A subscription made after some of its reminders' moments passed: those are listed, with
    /// why; those planned are not.
    @Test(arguments: StoreEngine.allCases)
    func remindersWhoseMomentHadPassedAreListedAsUnplanned(engine: StoreEngine) async throws {
        let opened = try await opened(engine)
        let concert = try #require(StoreFixtures.storedConcerts.first { $0.concert.id == "daegu-2019" })
        // Two days before the concert: its 7-day reminder's moment has passed, the 1-day one's not.
        let late = concert.concert.schedule.start.addingTimeInterval(-2 * 86_400)
        let (created, _) = try opened.subscriptionStore.createSubscription(
            try StoreFixtures.email("a@example.org", ["daegu"], before: "7d,1d"), now: late, confirm: false)
        let unplanned = try opened.history.unplannedReminders(subscriptionID: created.id)
        #expect(unplanned.map(\.concertID) == ["daegu-2019"])
        #expect(unplanned.map(\.offset) == [ReminderOffset(seconds: 7 * 86_400)])
        #expect(unplanned.first?.reason == "its moment had passed when the subscription was made")
        #expect(try opened.history.unplannedReminders(subscriptionID: "sub-none").isEmpty)
    }

    /// Two instances (two connections to one SQLite file; two instance names on PostgreSQL, each
    /// writing its own counter rows): the counters read the same totals from either.
    @Test(arguments: StoreEngine.allCases)
    func countersAreTheTotalsOfEveryInstance(engine: StoreEngine) async throws {
        let opened = try await opened(engine)
        let other = try opened.secondInstance()
        let (a, _) = try opened.subscriptionStore.createSubscription(
            try StoreFixtures.email("a@example.org", ["busan"]), now: now)
        _ = try other.createSubscription(try StoreFixtures.email("b@example.org", ["busan"]), now: now)
        try other.setSubscriptionState(id: a.id, to: .paused, now: now)
        let perSubscription =
            StoreFixtures.plannedReminderCount(["busan"], offsets: try ReminderOffset.parseList("7d,1d")) + 1
        for reader in [opened.history, other as any DeliveryHistoryStore] {
            let counters = try reader.counters().filter { $0.value != 0 && !$0.key.hasPrefix("finished.") }
            #expect(
                counters == [
                    "subscription.active": 1, "subscription.paused": 1, "subscription_source.control.active": 1,
                    "subscription_source.control.paused": 1, "delivery.scheduled": perSubscription,
                    "delivery.skipped": perSubscription,
                ])
        }
    }
}
