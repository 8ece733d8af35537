import ConcertCore
import ConcertPostgres
import Foundation
import PostgresTestSupport
import Synchronization
import Testing

/// The web front door's side of the store through ``WebFrontDoorStore`` on both engines: pending
/// requests, token keys, rate-limit counts, changes, removals and undos; and, on PostgreSQL, what
/// several instances on one database share.
@Suite(.timeLimit(.minutes(3)))
struct WebFrontDoorStoreTests {
    static let now = ConcertStoreTests.now

    /// A store holding the test catalog (Seoul, Busan and a joint concert).
    static func open(_ engine: StoreEngine) async throws -> OpenedStore {
        let store = try await engine.openNew()
        try store.concertStore.importCatalog(ConcertStoreTests.catalog, now: now)
        return store
    }

    static func request(
        _ id: String = "req-aaaaaaaaaaaa", email: String = "kim@example.org", cities: [String] = ["busan"],
        expires: Date? = nil
    ) -> PendingWebRequest {
        PendingWebRequest(
            id: id,
            subscription: NewSubscription(
                channel: .email(email), cities: cities, offsets: [ReminderOffset(seconds: 86_400)], language: .en),
            expires: expires ?? now.addingTimeInterval(48 * 3600))
    }

    /// A subscription made through the front door: requested, then confirmed.
    static func subscribe(_ store: OpenedStore, _ email: String, cities: [String] = ["busan"]) throws -> String {
        let id = "req-\(email.prefix(4))-\(UUID().uuidString.prefix(8))"
        #expect(
            try store.frontDoor.requestWebSubscription(request(id, email: email, cities: cities), limits: [], now: now)
                == .kept)
        guard
            case .confirmed(let subscription) = try store.frontDoor.confirmWebSubscription(
                requestID: id, confirm: false, now: now)
        else { throw StoreError(.invalid, "not confirmed") }
        return subscription
    }

    @Test(arguments: StoreEngine.allCases)
    func nothingIsScheduledBeforeTheRequestIsConfirmedAndConfirmingTwiceIsHarmless(engine: StoreEngine) async throws {
        let store = try await Self.open(engine)
        let door = store.frontDoor
        #expect(try door.requestWebSubscription(Self.request(), limits: [], now: Self.now) == .kept)
        #expect(try door.pendingWebRequestCount(now: Self.now) == 1)
        #expect(try door.webRequest(id: "req-aaaaaaaaaaaa") == Self.request().subscription)
        #expect(try door.webRequest(id: "req-none") == nil)
        #expect(try store.integer("SELECT COUNT(*) FROM subscription") == 0)
        #expect(try store.integer("SELECT COUNT(*) FROM delivery") == 0)
        let outcome = try door.confirmWebSubscription(requestID: "req-aaaaaaaaaaaa", confirm: true, now: Self.now)
        guard case .confirmed(let id) = outcome else {
            Issue.record("not confirmed: \(outcome)")
            return
        }
        #expect(try door.pendingWebRequestCount(now: Self.now) == 0)
        #expect(
            try store.lines(
                "SELECT channel || ' ' || target || ' ' || lang || ' ' || state || ' ' || source FROM subscription")
                == ["email kim@example.org en active web"])
        #expect(try door.subscriptionSources(ids: [id, "sub-none"]) == [id: .web])
        #expect(
            Set(try ConcertStoreTests.rows(store)) == [
                "\(id) c-busan r1 reminder 86400 scheduled", "\(id) c-busan r1 confirmation 0 scheduled",
                "\(id) c-joint r1 reminder 86400 scheduled",
            ])
        #expect(try store.integer("SELECT SUM(value) FROM counter WHERE name = 'subscription.active'") == 1)
        #expect(try store.integer("SELECT SUM(value) FROM counter WHERE name = 'subscription_source.web.active'") == 1)
        #expect(try store.integer("SELECT SUM(value) FROM counter WHERE name = 'delivery.scheduled'") == 3)
        #expect(
            try door.confirmWebSubscription(requestID: "req-aaaaaaaaaaaa", confirm: true, now: Self.now)
                == .alreadyConfirmed(subscriptionID: id))
        #expect(try store.integer("SELECT COUNT(*) FROM delivery") == 3)
        // A second request for the same settings confirms into the same subscription.
        _ = try door.requestWebSubscription(Self.request("req-bbbbbbbbbbbb"), limits: [], now: Self.now)
        #expect(
            try door.confirmWebSubscription(requestID: "req-bbbbbbbbbbbb", confirm: true, now: Self.now)
                == .confirmed(subscriptionID: id))
        #expect(try store.integer("SELECT COUNT(*) FROM subscription") == 1)
    }

    @Test(arguments: StoreEngine.allCases)
    func anExpiredRequestConfirmsNothingAndIsPrunedByALaterWrite(engine: StoreEngine) async throws {
        let store = try await Self.open(engine)
        let door = store.frontDoor
        _ = try door.requestWebSubscription(Self.request(), limits: [], now: Self.now)
        let late = Self.now.addingTimeInterval(48 * 3600)
        #expect(try door.pendingWebRequestCount(now: late) == 0)
        #expect(try door.confirmWebSubscription(requestID: "req-aaaaaaaaaaaa", confirm: false, now: late) == .expired)
        #expect(try store.integer("SELECT COUNT(*) FROM subscription") == 0)
        _ = try door.requestWebSubscription(
            Self.request("req-bbbbbbbbbbbb", expires: late.addingTimeInterval(60)), limits: [], now: late)
        #expect(try door.confirmWebSubscription(requestID: "req-aaaaaaaaaaaa", confirm: false, now: late) == .notFound)
        #expect(try door.confirmWebSubscription(requestID: "req-unknown", confirm: false, now: Self.now) == .notFound)
    }

    @Test(arguments: StoreEngine.allCases)
    func aLimitRefusesOnceReachedAndCountsNothingThen(engine: StoreEngine) async throws {
        let store = try await Self.open(engine)
        let door = store.frontDoor
        let limits = [
            WebRateLimit(key: "client:x", limit: 2, window: .seconds(3600)),
            WebRateLimit(key: "channel:y", limit: 5, window: .seconds(86_400)),
        ]
        #expect(try door.requestWebSubscription(Self.request("req-1"), limits: limits, now: Self.now) == .kept)
        #expect(try door.requestWebSubscription(Self.request("req-2"), limits: limits, now: Self.now) == .kept)
        guard
            case .limited(let retryAfter) = try door.requestWebSubscription(
                Self.request("req-3"), limits: limits, now: Self.now)
        else {
            Issue.record("the third request was kept")
            return
        }
        // The hour's window ends on the hour: 2030-01-01T01:00Z.
        #expect(retryAfter == .seconds(3600))
        #expect(try door.confirmWebSubscription(requestID: "req-3", confirm: false, now: Self.now) == .notFound)
        #expect(
            try store.lines("SELECT key || ' ' || count FROM web_rate_count ORDER BY key") == [
                "channel:y 2", "client:x 2",
            ])
        // A limit of the channel's reached refuses whatever the client's says.
        let tight = [WebRateLimit(key: "client:z", limit: 9, window: .seconds(60)), limits[1]]
        for index in 0..<3 {
            #expect(
                try door.requestWebSubscription(Self.request("req-y\(index)"), limits: tight, now: Self.now) == .kept)
        }
        #expect(
            try door.requestWebSubscription(Self.request("req-y9"), limits: tight, now: Self.now)
                == .limited(retryAfter: .seconds(86_400)))
        #expect(
            try store.lines("SELECT key || ' ' || count FROM web_rate_count ORDER BY key") == [
                "channel:y 5", "client:x 2", "client:z 3",
            ])
        // The next window starts from nothing; the spent count is pruned.
        let later = Self.now.addingTimeInterval(3600)
        #expect(try door.requestWebSubscription(Self.request("req-4"), limits: [limits[0]], now: later) == .kept)
        #expect(try store.integer("SELECT COUNT(*) FROM web_rate_count WHERE key = 'client:z'") == 0)
    }

    @Test(arguments: StoreEngine.allCases)
    func tokenKeysAreMadeOnceRotatedAndForgotten(engine: StoreEngine) async throws {
        let store = try await Self.open(engine)
        let door = store.frontDoor
        let rotation = TokenKeyRotation(signFor: .seconds(100), verifyFor: .seconds(50))
        let first = try door.webTokenKeys(now: Self.now, rotation: rotation, candidate: .generate(now: Self.now))
        #expect(first.count == 1)
        let again = try door.webTokenKeys(now: Self.now, rotation: rotation, candidate: .generate(now: Self.now))
        #expect(again == first)
        let later = Self.now.addingTimeInterval(120)
        let rotated = try door.webTokenKeys(now: later, rotation: rotation, candidate: .generate(now: later))
        #expect(rotated.count == 2)
        #expect(rotated.last == first[0])
        let gone = Self.now.addingTimeInterval(151)
        let kept = try door.webTokenKeys(now: gone, rotation: rotation, candidate: .generate(now: gone))
        #expect(!kept.contains(first[0]))
        #expect(kept.first == rotated.first)
        #expect(try store.integer("SELECT COUNT(*) FROM web_token_key") == kept.count)
    }

    @Test(arguments: StoreEngine.allCases)
    func aChangePlansAgainARemovalSkipsAndAnUndoMakesANewSubscription(engine: StoreEngine) async throws {
        let store = try await Self.open(engine)
        let door = store.frontDoor
        let id = try Self.subscribe(store, "lee@example.org")
        let changed = try door.changeSubscription(
            id: id, cities: ["seoul"], offsets: [ReminderOffset(seconds: 3600)], language: .ko, now: Self.now)
        #expect(changed.cities == ["seoul"])
        #expect(changed.language == .ko)
        #expect(
            Set(try ConcertStoreTests.rows(store, where: "subscription_id = '\(id)'")) == [
                "\(id) c-busan r1 reminder 86400 skipped(changed)", "\(id) c-joint r1 reminder 86400 skipped(changed)",
                "\(id) c-seoul r1 reminder 3600 scheduled", "\(id) c-joint r1 reminder 3600 scheduled",
            ])
        #expect(try store.lines("SELECT city_id FROM subscription_city WHERE subscription_id = '\(id)'") == ["seoul"])
        #expect(try door.undoRemoval(subscriptionID: id, now: Self.now) == .notRemoved)
        #expect(throws: StoreError.self) {
            try door.changeSubscription(id: "sub-none", cities: ["seoul"], offsets: [], language: .ko, now: Self.now)
        }

        let removals = try door.removeSubscriptions(ids: [id, id, "sub-none"], reason: "one click", now: Self.now)
        #expect(
            try removals.map { try $0.get() } == [
                .removed(language: .ko), .alreadyRemoved(language: .ko), .notFound,
            ])
        #expect(
            try store.lines("SELECT state || ' ' || state_reason FROM subscription WHERE id = '\(id)'")
                == ["removed one click"])
        #expect(try store.integer("SELECT COUNT(*) FROM delivery WHERE state = 'scheduled'") == 0)
        #expect(try store.integer("SELECT COUNT(*) FROM delivery WHERE reason = 'removed'") == 2)
        #expect(throws: StoreError.self) {
            try door.changeSubscription(id: id, cities: ["seoul"], offsets: [], language: .ko, now: Self.now)
        }

        guard case .restored(let restored) = try door.undoRemoval(subscriptionID: id, now: Self.now) else {
            Issue.record("not restored")
            return
        }
        #expect(restored != id)
        #expect(
            try store.lines("SELECT state || ' ' || source || ' ' || cities FROM subscription WHERE id = '\(restored)'")
                == ["active web seoul"])
        #expect(try store.integer("SELECT COUNT(*) FROM delivery WHERE subscription_id = '\(restored)'") == 2)
        #expect(try door.undoRemoval(subscriptionID: id, now: Self.now) == .alreadyRestored(subscriptionID: restored))
        #expect(try door.undoRemoval(subscriptionID: "sub-none", now: Self.now) == .notFound)
    }

    /// A change back to the settings before brings back the rows the first change skipped (same
    /// identity, skipped as `changed`), due as planned, rather than leave them skipped.
    @Test(arguments: StoreEngine.allCases)
    func aChangeBackRevivesTheRowsTheFirstChangeSkipped(engine: StoreEngine) async throws {
        let store = try await Self.open(engine)
        let door = store.frontDoor
        let id = try Self.subscribe(store, "lee@example.org")
        let offsets = [ReminderOffset(seconds: 86_400)]
        try door.changeSubscription(id: id, cities: ["seoul"], offsets: offsets, language: .en, now: Self.now)
        try door.changeSubscription(id: id, cities: ["busan"], offsets: offsets, language: .en, now: Self.now)
        #expect(
            try ConcertStoreTests.rows(store, where: "subscription_id = '\(id)'") == [
                "\(id) c-busan r1 reminder 86400 scheduled", "\(id) c-joint r1 reminder 86400 scheduled",
                "\(id) c-seoul r1 reminder 86400 skipped(changed)",
            ])
        #expect(
            try store.integer(
                "SELECT COUNT(*) FROM delivery WHERE subscription_id = '\(id)' AND finished_at IS NULL "
                    + "AND next_attempt_at = due_at AND state = 'scheduled'") == 2)
        #expect(try store.integer("SELECT SUM(value) FROM counter WHERE name = 'delivery.scheduled'") == 2)
    }

    /// An old link names the subscription it was issued for; after an undo (and another removal and
    /// undo) it leads along the undo records to the live one, and to nothing else.
    @Test(arguments: StoreEngine.allCases)
    func theLiveSubscriptionFollowsTheUndoChainAndNothingElse(engine: StoreEngine) async throws {
        let store = try await Self.open(engine)
        let door = store.frontDoor
        let first = try Self.subscribe(store, "kim@example.org")
        let stranger = try Self.subscribe(store, "lee@example.org")
        #expect(try door.liveSubscriptionID(from: first) == first, "no undo: itself")
        _ = try door.removeSubscriptions(ids: [first], reason: "test", now: Self.now)
        #expect(try door.liveSubscriptionID(from: first) == first, "removed, not undone: itself")
        guard case .restored(let second) = try door.undoRemoval(subscriptionID: first, now: Self.now) else {
            Issue.record("not restored")
            return
        }
        #expect(try door.liveSubscriptionID(from: first) == second)
        _ = try door.removeSubscriptions(ids: [second], reason: "test", now: Self.now)
        guard case .restored(let third) = try door.undoRemoval(subscriptionID: second, now: Self.now) else {
            Issue.record("not restored")
            return
        }
        #expect(try door.liveSubscriptionID(from: first) == third, "the chain is followed to its end")
        #expect(try door.liveSubscriptionID(from: second) == third)
        #expect(try door.liveSubscriptionID(from: third) == third)
        #expect(try door.liveSubscriptionID(from: stranger) == stranger)
        #expect(try door.liveSubscriptionID(from: "sub-none") == nil)
        // A hand-made loop in the undo records ends the walk before an id it has seen.
        try store.execute("INSERT INTO web_undo (removed_id, restored_id) VALUES ('\(third)', '\(first)')")
        #expect(try door.liveSubscriptionID(from: first) == third)
    }

    // MARK: Several instances on one PostgreSQL database

    @Test func instancesShareRequestsKeysAndLimits() async throws {
        let store = try await Self.open(.postgresql)
        let a = try #require(store.postgres)
        let b = try PostgresStore.open(settings: a.pool.settings, instanceName: "b")
        let limits = [WebRateLimit(key: "client:x", limit: 2, window: .seconds(3600))]
        #expect(try a.requestWebSubscription(Self.request("req-1"), limits: limits, now: Self.now) == .kept)
        #expect(try b.requestWebSubscription(Self.request("req-2"), limits: limits, now: Self.now) == .kept)
        #expect(try a.requestWebSubscription(Self.request("req-3"), limits: limits, now: Self.now) != .kept)
        guard case .confirmed = try b.confirmWebSubscription(requestID: "req-1", confirm: false, now: Self.now) else {
            Issue.record("a request kept through a was not confirmed through b")
            return
        }
        let rotation = TokenKeyRotation.standard
        let byA = try a.webTokenKeys(now: Self.now, rotation: rotation, candidate: .generate(now: Self.now))
        let byB = try b.webTokenKeys(now: Self.now, rotation: rotation, candidate: .generate(now: Self.now))
        #expect(byA == byB)
    }

    /// A removal that fails (here a trigger refuses one subscription's) is answered with its error;
    /// the others in the same batch are removed all the same, in the same transaction.
    @Test func aRemovalThatFailsLeavesTheOthersOfItsBatchRemoved() async throws {
        let store = try await Self.open(.postgresql)
        let door = store.frontDoor
        let first = try Self.subscribe(store, "kim@example.org")
        let refused = try Self.subscribe(store, "lee@example.org")
        let last = try Self.subscribe(store, "park@example.org")
        try store.execute(
            """
            CREATE FUNCTION refuse_removal() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'this one may not go'; END $$;
            CREATE TRIGGER refuse_removal BEFORE UPDATE ON subscription
                FOR EACH ROW WHEN (OLD.id = '\(refused)') EXECUTE FUNCTION refuse_removal();
            """)
        let outcomes = try door.removeSubscriptions(ids: [first, refused, last], reason: "one click", now: Self.now)
        #expect(try outcomes[0].get() == .removed(language: .en))
        #expect(throws: PostgresError.self) { try outcomes[1].get() }
        #expect(try outcomes[2].get() == .removed(language: .en))
        #expect(
            try store.lines("SELECT id || ' ' || state FROM subscription ORDER BY created_at, id").sorted()
                == ["\(first) removed", "\(last) removed", "\(refused) active"].sorted())
        #expect(try store.integer("SELECT COUNT(*) FROM delivery WHERE state = 'scheduled'") == 2)
    }

    /// Requests through several instances at once never take more places than a limit has, and
    /// keys rotated by several instances at once leave one signing key.
    @Test func instancesRacingForTheLastPlacesTakeNoMoreThanTheLimit() async throws {
        let store = try await Self.open(.postgresql)
        let settings = try #require(store.postgres).pool.settings
        let instances = try (0..<4).map { try PostgresStore.open(settings: settings, instanceName: "i\($0)") }
        let limits = [
            WebRateLimit(key: "channel:y", limit: 50, window: .seconds(86_400)),
            WebRateLimit(key: "client:x", limit: 7, window: .seconds(3600)),
        ]
        // Each instance on a thread of its own: they meet at the first key and the last places.
        let (kept, keys, errors) = try await ThrowawayPostgres.blocking {
            let results = Mutex<(kept: Int, keys: Set<[TokenKey]>, errors: [String])>((0, [], []))
            let threads = (0..<instances.count).map { index in
                Thread {
                    let instance = instances[index]
                    do {
                        let keys = try instance.webTokenKeys(
                            now: Self.now, rotation: .standard, candidate: .generate(now: Self.now))
                        results.withLock { $0.keys.insert(keys) }
                        for request in 0..<10 {
                            let outcome = try instance.requestWebSubscription(
                                Self.request("req-\(index)-\(request)"),
                                limits: index % 2 == 0 ? limits : limits.reversed(), now: Self.now)
                            if outcome == .kept { results.withLock { $0.kept += 1 } }
                        }
                    } catch {
                        results.withLock { $0.errors.append("\(error)") }
                    }
                }
            }
            let started = ContinuousClock.now
            for thread in threads { thread.start() }
            while !threads.allSatisfy(\.isFinished), ContinuousClock.now - started < .seconds(60) {
                Thread.sleep(forTimeInterval: 0.01)
            }
            return results.withLock { $0 }
        }
        #expect(errors.isEmpty)
        #expect(kept == 7)
        #expect(try store.integer("SELECT COUNT(*) FROM web_request") == 7)
        #expect(
            try store.lines("SELECT key || ' ' || count FROM web_rate_count ORDER BY key") == [
                "channel:y 7", "client:x 7",
            ])
        #expect(keys.count == 1, "every instance signs with the one key")
        #expect(try store.integer("SELECT COUNT(*) FROM web_token_key") == 1)
    }
}
