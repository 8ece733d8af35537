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

// MARK: One web subscription per address or channel

extension WebFrontDoorStoreTests {
    /// A request of `channel` kept and confirmed; answers the subscription it led to.
    static func confirm(
        _ store: OpenedStore, _ requestID: String, _ channel: ChannelAddress = .email("kim@example.org"),
        cities: [String], offsets: [Int], language: Language = .en, confirm: Bool = false
    ) throws -> String {
        let request = PendingWebRequest(
            id: requestID,
            subscription: NewSubscription(
                channel: channel, cities: cities, offsets: offsets.map(ReminderOffset.init), language: language),
            expires: now.addingTimeInterval(48 * 3600))
        #expect(try store.frontDoor.requestWebSubscription(request, limits: [], now: now) == .kept)
        let outcome = try store.frontDoor.confirmWebSubscription(requestID: requestID, confirm: confirm, now: now)
        guard case .confirmed(let id) = outcome else { throw StoreError(.invalid, "not confirmed: \(outcome)") }
        return id
    }

    /// A subscription an operator made (`source` `control` or `import`), stored as it is, with
    /// nothing planned for it.
    static func operatorsSubscription(_ store: OpenedStore, _ id: String, email: String, source: String) throws {
        try store.execute(
            """
            INSERT INTO subscription (id, channel, target, format, secret, destination, cities, offsets, lang, label,
                state, state_reason, created_at, updated_at, source)
            VALUES ('\(id)', 'email', '\(email)', NULL, NULL, 'example.org', 'busan', '86400', 'en', NULL, 'active',
                NULL, \(now.millis), \(now.millis), '\(source)');
            INSERT INTO subscription_city (city_id, subscription_id) VALUES ('busan', '\(id)');
            """)
    }

    /// Stops a subscription as pausing or disabling it does: its state, and its pending rows
    /// skipped with that reason.
    static func stop(_ store: OpenedStore, _ id: String, as state: String) throws {
        try store.execute(
            """
            UPDATE subscription SET state = '\(state)', state_reason = 'stopped by the test', updated_at = \(now.millis)
            WHERE id = '\(id)';
            UPDATE delivery SET state = 'skipped', reason = '\(state)', next_attempt_at = NULL,
                finished_at = \(now.millis)
            WHERE subscription_id = '\(id)' AND state IN ('scheduled', 'retrying');
            """)
    }

    /// A counter's value (0 when it has none).
    static func counter(_ store: OpenedStore, _ name: String) throws -> Int {
        try store.integer("SELECT COALESCE(SUM(value), 0) FROM counter WHERE name = '\(name)'")
    }

    @Test(arguments: StoreEngine.allCases)
    func aSecondRequestOfTheAddressInAnyCaseChangesItsWebSubscription(engine: StoreEngine) async throws {
        let store = try await Self.open(engine)
        let first = try Self.confirm(store, "req-1", cities: ["busan"], offsets: [86_400])
        let second = try Self.confirm(
            store, "req-2", .email("Kim@Example.ORG"), cities: ["seoul"], offsets: [3600], language: .ko,
            confirm: true)
        #expect(second == first, "a second subscription was made")
        // The id, the address as first typed and the source stay; the settings are the request's.
        #expect(
            try store.lines(
                """
                SELECT id || ' ' || target || ' ' || cities || ' ' || offsets || ' ' || lang || ' ' || state || ' '
                    || source FROM subscription
                """) == ["\(first) kim@example.org seoul 3600 ko active web"])
        #expect(try store.lines("SELECT city_id FROM subscription_city") == ["seoul"])
        #expect(
            Set(try ConcertStoreTests.rows(store)) == [
                "\(first) c-busan r1 reminder 86400 skipped(changed)",
                "\(first) c-joint r1 reminder 86400 skipped(changed)",
                "\(first) c-seoul r1 reminder 3600 scheduled", "\(first) c-joint r1 reminder 3600 scheduled",
                "\(first) c-seoul r1 confirmation 0 scheduled",
            ])
        #expect(try Self.counter(store, "delivery.scheduled") == 3)
        #expect(try Self.counter(store, "subscription.active") == 1)
        #expect(try Self.counter(store, "subscription_source.web.active") == 1)
        // Both requests' links name the one subscription.
        #expect(
            try store.frontDoor.confirmWebSubscription(requestID: "req-1", confirm: false, now: Self.now)
                == .alreadyConfirmed(subscriptionID: first))
        #expect(
            try store.frontDoor.confirmWebSubscription(requestID: "req-2", confirm: true, now: Self.now)
                == .alreadyConfirmed(subscriptionID: first))
        #expect(try Self.counter(store, "delivery.scheduled") == 3)
    }

    /// An address is one in any case of its letters, those outside ASCII too: the store keeps
    /// and looks up an address lowercased (``ChannelAddress/target``) on both engines.
    @Test(arguments: StoreEngine.allCases)
    func anAddressIsOneInAnyCaseOfItsLettersNonASCIIToo(engine: StoreEngine) async throws {
        let store = try await Self.open(engine)
        let first = try Self.confirm(store, "req-1", .email("Ünal@example.org"), cities: ["busan"], offsets: [86_400])
        #expect(
            try Self.confirm(store, "req-2", .email("ünal@EXAMPLE.org"), cities: ["seoul"], offsets: [3600]) == first)
        #expect(
            try store.lines("SELECT target || ' ' || cities || ' ' || state FROM subscription")
                == ["ünal@example.org seoul active"])
    }

    /// A paused or disabled web subscription asked for again is made active with the request's
    /// settings, even when they are the ones it has: its skipped rows that still fit come back.
    @Test(arguments: StoreEngine.allCases)
    func aPausedOrDisabledWebSubscriptionAskedForAgainIsMadeActive(engine: StoreEngine) async throws {
        let store = try await Self.open(engine)
        let paused = try Self.confirm(store, "req-1", cities: ["busan"], offsets: [86_400])
        let disabled = try Self.confirm(store, "req-2", .email("lee@example.org"), cities: ["busan"], offsets: [86_400])
        try Self.stop(store, paused, as: "paused")
        try Self.stop(store, disabled, as: "disabled")
        #expect(try store.integer("SELECT COUNT(*) FROM delivery WHERE state = 'scheduled'") == 0)
        #expect(try Self.confirm(store, "req-3", cities: ["busan"], offsets: [3600]) == paused)
        #expect(
            try Self.confirm(store, "req-4", .email("LEE@example.org"), cities: ["busan"], offsets: [86_400])
                == disabled)
        #expect(
            try store.lines(
                "SELECT state || ' ' || COALESCE(state_reason, '-') || ' ' || offsets FROM subscription ORDER BY target"
            ) == ["active - 3600", "active - 86400"])
        #expect(
            Set(try ConcertStoreTests.rows(store, where: "subscription_id = '\(paused)'")) == [
                "\(paused) c-busan r1 reminder 86400 skipped(paused)",
                "\(paused) c-joint r1 reminder 86400 skipped(paused)",
                "\(paused) c-busan r1 reminder 3600 scheduled", "\(paused) c-joint r1 reminder 3600 scheduled",
            ])
        #expect(
            Set(try ConcertStoreTests.rows(store, where: "subscription_id = '\(disabled)'")) == [
                "\(disabled) c-busan r1 reminder 86400 scheduled", "\(disabled) c-joint r1 reminder 86400 scheduled",
            ])
        #expect(try Self.counter(store, "subscription.active") == 2)
        #expect(try Self.counter(store, "subscription.paused") == 0)
        #expect(try Self.counter(store, "subscription.disabled") == 0)
        #expect(try Self.counter(store, "delivery.scheduled") == 4)
    }

    /// A webhook URL is one web subscription too: a second request changes its cities, offsets and
    /// format. Another URL is another subscription.
    @Test(arguments: StoreEngine.allCases)
    func aChannelIsOneWebSubscriptionAndASecondRequestChangesItsFormat(engine: StoreEngine) async throws {
        let store = try await Self.open(engine)
        let url = "https://chat.example.org/hooks/abc"
        let first = try Self.confirm(
            store, "req-1", .webhook(url: url, format: "slack", secret: nil), cities: ["busan"], offsets: [86_400])
        let second = try Self.confirm(
            store, "req-2", .webhook(url: url, format: "mattermost", secret: nil), cities: ["busan", "seoul"],
            offsets: [3600])
        #expect(second == first)
        #expect(
            try store.lines("SELECT format || ' ' || cities || ' ' || offsets FROM subscription")
                == ["mattermost busan,seoul 3600"])
        let other = try Self.confirm(
            store, "req-3", .webhook(url: url + "d", format: "slack", secret: nil), cities: ["busan"],
            offsets: [86_400])
        #expect(other != first)
        #expect(try store.integer("SELECT COUNT(*) FROM subscription WHERE state = 'active'") == 2)
    }

    @Test(arguments: StoreEngine.allCases)
    func aRemovedWebSubscriptionStaysRemovedAndARequestMakesANewOne(engine: StoreEngine) async throws {
        let store = try await Self.open(engine)
        let first = try Self.confirm(store, "req-1", cities: ["busan"], offsets: [86_400])
        _ = try store.frontDoor.removeSubscriptions(ids: [first], reason: "one click", now: Self.now)
        let second = try Self.confirm(store, "req-2", cities: ["busan"], offsets: [3600])
        #expect(second != first)
        #expect(
            try store.lines("SELECT state || ' ' || offsets FROM subscription WHERE id = '\(first)'")
                == ["removed 86400"])
    }

    /// Subscriptions an operator made for the address (with concertctl or an import) are not the
    /// web's: a request makes a web subscription beside them, and the next changes that one.
    @Test(arguments: StoreEngine.allCases)
    func anOperatorsSubscriptionsOfTheAddressAreLeftAlone(engine: StoreEngine) async throws {
        let store = try await Self.open(engine)
        try Self.operatorsSubscription(store, "op-control", email: "kim@example.org", source: "control")
        try Self.operatorsSubscription(store, "op-import", email: "KIM@example.org", source: "import")
        let web = try Self.confirm(store, "req-1", cities: ["seoul"], offsets: [3600])
        #expect(!["op-control", "op-import"].contains(web))
        #expect(try Self.confirm(store, "req-2", cities: ["seoul"], offsets: [7200]) == web)
        #expect(
            try store.lines(
                "SELECT id || ' ' || source || ' ' || cities || ' ' || offsets || ' ' || state FROM subscription"
                    + " WHERE id <> '\(web)' ORDER BY id") == [
                    "op-control control busan 86400 active", "op-import import busan 86400 active",
                ])
        #expect(
            try store.lines("SELECT cities || ' ' || offsets FROM subscription WHERE id = '\(web)'")
                == ["seoul 7200"])
        #expect(try store.integer("SELECT COUNT(*) FROM delivery WHERE subscription_id LIKE 'op-%'") == 0)
    }

    /// Unsubscribed, subscribed again on the form, then the old page's undo pressed: the undo leads
    /// to the web subscription the address has, as it stands, and makes no second one.
    @Test(arguments: StoreEngine.allCases)
    func anUndoWhenTheAddressHasAWebSubscriptionAgainLeadsToItAndMakesNoSecond(engine: StoreEngine) async throws {
        let store = try await Self.open(engine)
        let door = store.frontDoor
        let first = try Self.confirm(store, "req-1", cities: ["busan"], offsets: [86_400])
        _ = try door.removeSubscriptions(ids: [first], reason: "one click", now: Self.now)
        let again = try Self.confirm(store, "req-2", .email("KIM@example.org"), cities: ["seoul"], offsets: [3600])
        #expect(again != first)
        #expect(try door.undoRemoval(subscriptionID: first, now: Self.now) == .restored(subscriptionID: again))
        #expect(try store.lines("SELECT id FROM subscription WHERE state <> 'removed'") == [again])
        #expect(
            try store.lines("SELECT cities || ' ' || offsets FROM subscription WHERE id = '\(again)'")
                == ["seoul 3600"], "the later request's settings stay")
        #expect(
            Set(try ConcertStoreTests.rows(store, where: "subscription_id = '\(again)'")) == [
                "\(again) c-seoul r1 reminder 3600 scheduled", "\(again) c-joint r1 reminder 3600 scheduled",
            ])
        #expect(try door.liveSubscriptionID(from: first) == again)
        #expect(try door.undoRemoval(subscriptionID: first, now: Self.now) == .alreadyRestored(subscriptionID: again))
    }
}
