import ConcertCore
import Foundation
import PostgresTestSupport
import Testing

@testable import ConcertPostgres

/// Every store change that can move another instance's next due time sends a notice in its own
/// transaction; a change rolled back sends none, and sending does not.
@Suite(.timeLimit(.minutes(2)))
struct StoreChangeNoticeTests {
    static let now = Date(timeIntervalSince1970: 1_571_500_000)

    final class Heard: @unchecked Sendable {
        // @unchecked: `payloads` is guarded by `lock`.
        private let lock = NSLock()
        private var payloads: [String] = []
        func add(_ payload: String) { lock.withLock { payloads.append(payload) } }
        /// The payloads heard since the last call, after a moment for them to arrive.
        func take() async throws -> [String] {
            try await Task.sleep(for: .milliseconds(300))
            return lock.withLock {
                defer { payloads = [] }
                return payloads
            }
        }
    }

    @Test func payloadsNameTheKindAndTheInstance() {
        #expect(StoreChangeNotice(kind: .deliveries, instance: "east-1").payload == "deliveries east-1")
        #expect(StoreChangeNotice(payload: "catalog west.2") == StoreChangeNotice(kind: .catalog, instance: "west.2"))
        #expect(StoreChangeNotice(payload: "newer-kind east-1") == nil)
        #expect(StoreChangeNotice(payload: "deliveries") == nil)
    }

    @Test func eachChangeThatMovesDueTimesIsHeardOnceAtItsCommit() async throws {
        let url = try await ThrowawayPostgres.shared().makeDatabase()
        let store = try PostgresStore.open(settings: PostgresSettings(url: url), instanceName: "a")
        defer { store.close() }
        let heard = Heard()
        let connected = DispatchSemaphore(value: 0)
        let listener = PostgresListener(
            settings: PostgresSettings(url: url), channels: [StoreChangeNotice.channel],
            target: DispatchQueue(label: "test")
        ) { event in
            switch event {
            case .connected: connected.signal()
            case .notification(let note): heard.add(note.payload)
            case .disconnected: break
            }
        }
        listener.start()
        defer { listener.stop() }
        #expect(connected.wait(timeout: .now() + 10) == .success)
        let concert = Concert(
            id: "c1", cities: ["busan"],
            schedule: .timed(
                start: Self.now.addingTimeInterval(30 * 86400), end: Self.now.addingTimeInterval(30 * 86400 + 3600)))
        try store.addConcert(concert, now: Self.now)
        #expect(try await heard.take() == ["deliveries a"])
        let new = NewSubscription(channel: .email("a@example.org"), cities: ["busan"])
        let (made, _) = try store.createSubscription(new, now: Self.now)
        #expect(try await heard.take() == ["deliveries a"])
        // The same subscription again is refused and rolled back: nothing is heard.
        #expect(throws: StoreError.self) { try store.createSubscription(new, now: Self.now) }
        #expect(try await heard.take() == [])
        // Claims and verdicts are not heard: they move no other instance's next due time.
        let due = try store.dueDeliveries(now: Self.now, limit: 10, excluding: [])
        let claimed = try store.claim(due, skipping: [], now: Self.now).sending
        try #require(claimed.count == 1)
        try store.record(
            claimed.map {
                DeliveryRecord(
                    delivery: $0.delivery, subscription: $0.subscription,
                    outcome: AttemptOutcome(name: "permanent", detail: "HTTP 400"),
                    newState: .failed, nextAttempt: nil, reason: nil, error: "HTTP 400", finishedAt: Self.now)
            })
        #expect(try await heard.take() == [])
        try store.setSubscriptionState(id: made.id, to: .paused, now: Self.now)
        try store.setSubscriptionState(id: made.id, to: .active, now: Self.now)
        #expect(try await heard.take() == ["deliveries a", "deliveries a"])
        try store.retryDelivery(id: claimed[0].delivery.id, now: Self.now)
        #expect(try await heard.take() == ["deliveries a"])
        _ = try store.importSubscriptions(now: Self.now) { importer in
            _ = try importer.add(NewSubscription(channel: .email("b@example.org"), cities: ["busan"]), id: nil)
        }
        #expect(try await heard.take() == ["deliveries a"])
    }
}
