import Foundation
import GRDB
import Testing

@testable import ConcertCore

/// Schema v10: the web front door's pending requests, token keys, rate-limit counts and undo
/// records, in the store.
@Suite struct StoreWebFrontDoorTests {
    let now = Fixtures.korea("2019-10-01T00:00")

    func database() throws -> AppDatabase {
        let database = try AppDatabase.inMemory()
        try database.importCatalog(Fixtures.catalog, now: now)
        return database
    }

    func request(_ id: String = "req-aaaaaaaaaaaa", expires: Date? = nil) -> PendingWebRequest {
        PendingWebRequest(
            id: id,
            subscription: NewSubscription(
                channel: .email("kim@example.org"), cities: ["busan"], offsets: [ReminderOffset(seconds: 86_400)],
                language: .en),
            expires: expires ?? now.addingTimeInterval(48 * 3600))
    }

    func scheduled(_ database: AppDatabase) throws -> Int {
        try database.writer.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM delivery WHERE state = 'scheduled'") ?? 0
        }
    }

    @Test func nothingIsScheduledBeforeTheRequestIsConfirmedAndConfirmingTwiceIsHarmless() throws {
        let database = try database()
        #expect(try database.requestWebSubscription(request(), limits: [], now: now) == .kept)
        #expect(try database.subscriptions().isEmpty)
        #expect(try scheduled(database) == 0)
        let outcome = try database.confirmWebSubscription(requestID: "req-aaaaaaaaaaaa", confirm: false, now: now)
        guard case .confirmed(let id) = outcome else {
            Issue.record("not confirmed: \(outcome)")
            return
        }
        let subscription = try #require(try database.subscription(id: id))
        #expect(subscription.channel == .email("kim@example.org"))
        #expect(subscription.language == .en)
        #expect(try scheduled(database) > 0)
        let source = try database.writer.read { db in
            try String.fetchOne(db, sql: "SELECT source FROM subscription WHERE id = ?", arguments: [id])
        }
        #expect(source == "web")
        let before = try scheduled(database)
        #expect(
            try database.confirmWebSubscription(requestID: "req-aaaaaaaaaaaa", confirm: false, now: now)
                == .alreadyConfirmed(subscriptionID: id))
        #expect(try database.subscriptions().count == 1)
        #expect(try scheduled(database) == before)
    }

    @Test func anExpiredRequestConfirmsNothingAndIsPrunedByALaterWrite() throws {
        let database = try database()
        _ = try database.requestWebSubscription(request(), limits: [], now: now)
        let late = now.addingTimeInterval(48 * 3600)
        #expect(
            try database.confirmWebSubscription(requestID: "req-aaaaaaaaaaaa", confirm: false, now: late) == .expired)
        #expect(try database.subscriptions().isEmpty)
        _ = try database.requestWebSubscription(
            request("req-bbbbbbbbbbbb", expires: late.addingTimeInterval(60)), limits: [], now: late)
        #expect(
            try database.confirmWebSubscription(requestID: "req-aaaaaaaaaaaa", confirm: false, now: late) == .notFound)
        #expect(try database.confirmWebSubscription(requestID: "req-unknown", confirm: false, now: now) == .notFound)
    }

    @Test func aLimitRefusesOnceReachedAndCountsNothingThen() throws {
        let database = try database()
        let limits = [
            WebRateLimit(key: "client:x", limit: 2, window: .seconds(3600)),
            WebRateLimit(key: "channel:y", limit: 5, window: .seconds(86_400)),
        ]
        #expect(try database.requestWebSubscription(request("req-1"), limits: limits, now: now) == .kept)
        #expect(try database.requestWebSubscription(request("req-2"), limits: limits, now: now) == .kept)
        guard
            case .limited(let retryAfter) = try database.requestWebSubscription(
                request("req-3"), limits: limits, now: now)
        else {
            Issue.record("the third request was kept")
            return
        }
        #expect(retryAfter > .zero && retryAfter <= .seconds(3600))
        #expect(try database.confirmWebSubscription(requestID: "req-3", confirm: false, now: now) == .notFound)
        let counts = try database.writer.read { db in
            try Int.fetchAll(db, sql: "SELECT count FROM web_rate_count ORDER BY key")
        }
        #expect(counts == [2, 2])
        // The next window starts from nothing; the spent count is pruned.
        let later = now.addingTimeInterval(3600)
        #expect(try database.requestWebSubscription(request("req-4"), limits: limits, now: later) == .kept)
    }

    @Test func tokenKeysAreMadeOnceRotatedAndForgotten() throws {
        let database = try database()
        let rotation = TokenKeyRotation(signFor: .seconds(100), verifyFor: .seconds(50))
        let first = try database.webTokenKeys(now: now, rotation: rotation, candidate: .generate(now: now))
        #expect(first.count == 1)
        let again = try database.webTokenKeys(now: now, rotation: rotation, candidate: .generate(now: now))
        #expect(again == first)
        let later = now.addingTimeInterval(120)
        let rotated = try database.webTokenKeys(now: later, rotation: rotation, candidate: .generate(now: later))
        #expect(rotated.count == 2)
        #expect(rotated.last == first[0])
        let gone = now.addingTimeInterval(151)
        let kept = try database.webTokenKeys(now: gone, rotation: rotation, candidate: .generate(now: gone))
        #expect(!kept.contains(first[0]))
        #expect(kept.first == rotated.first)
    }

    @Test func aChangePlansAgainAndAnUndoMakesANewSubscription() throws {
        let database = try database()
        let (subscription, _) = try database.createSubscription(
            NewSubscription(channel: .email("lee@example.org"), cities: ["busan"]), now: now, confirm: false)
        let changed = try database.changeSubscription(
            id: subscription.id, cities: ["daegu"], offsets: [ReminderOffset(seconds: 3600)], language: .en, now: now)
        #expect(changed.cities == ["daegu"])
        let pending = try database.writer.read { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT DISTINCT c.city_id FROM delivery d JOIN concert_city c ON c.concert_id = d.concert_id
                    WHERE d.subscription_id = ? AND d.state = 'scheduled'
                    """, arguments: [subscription.id])
        }
        #expect(pending == ["daegu"])
        #expect(try database.undoRemoval(subscriptionID: subscription.id, now: now) == .notRemoved)
        try database.setSubscriptionState(id: subscription.id, to: .removed, now: now)
        guard case .restored(let restored) = try database.undoRemoval(subscriptionID: subscription.id, now: now) else {
            Issue.record("not restored")
            return
        }
        #expect(restored != subscription.id)
        #expect(try database.subscription(id: subscription.id)?.state == .removed)
        #expect(try database.subscription(id: restored)?.cities == ["daegu"])
        #expect(
            try database.undoRemoval(subscriptionID: subscription.id, now: now)
                == .alreadyRestored(subscriptionID: restored))
        #expect(try database.undoRemoval(subscriptionID: "sub-none", now: now) == .notFound)
    }
}

extension StoreWebFrontDoorTests {
    /// An old link names the subscription it was issued for; after an undo (and another removal and
    /// undo) it leads along the undo records to the live one, and to nothing else.
    @Test func theLiveSubscriptionFollowsTheUndoChainAndNothingElse() throws {
        let database = try database()
        let (first, _) = try database.createSubscription(
            NewSubscription(channel: .email("kim@example.org"), cities: ["busan"]), now: now, confirm: false)
        let (stranger, _) = try database.createSubscription(
            NewSubscription(channel: .email("lee@example.org"), cities: ["busan"]), now: now, confirm: false)
        #expect(try database.liveSubscriptionID(from: first.id) == first.id, "no undo: itself")
        try database.setSubscriptionState(id: first.id, to: .removed, now: now)
        #expect(try database.liveSubscriptionID(from: first.id) == first.id, "removed, not undone: itself")
        guard case .restored(let second) = try database.undoRemoval(subscriptionID: first.id, now: now) else {
            Issue.record("not restored")
            return
        }
        #expect(try database.liveSubscriptionID(from: first.id) == second)
        try database.setSubscriptionState(id: second, to: .removed, now: now)
        guard case .restored(let third) = try database.undoRemoval(subscriptionID: second, now: now) else {
            Issue.record("not restored")
            return
        }
        #expect(try database.liveSubscriptionID(from: first.id) == third, "the chain is followed to its end")
        #expect(try database.liveSubscriptionID(from: second) == third)
        #expect(try database.liveSubscriptionID(from: third) == third)
        #expect(try database.liveSubscriptionID(from: stranger.id) == stranger.id)
        #expect(try database.liveSubscriptionID(from: "sub-none") == nil)
    }
}
