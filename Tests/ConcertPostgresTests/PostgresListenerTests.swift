import ConcertCore
import Dispatch
import Foundation
import PostgresTestSupport
import Testing

@testable import ConcertPostgres

/// The LISTEN connection: notifications through a read source on its socket, and reconnection.
@Suite(.timeLimit(.minutes(2)))
struct PostgresListenerTests {
    /// The events a listener delivered, waited for without polling.
    final class Events: @unchecked Sendable {
        // @unchecked: `events` is guarded by `condition`.
        private let condition = NSCondition()
        private var events: [PostgresListener.Event] = []

        func add(_ event: PostgresListener.Event) {
            condition.lock()
            events.append(event)
            condition.broadcast()
            condition.unlock()
        }

        /// Waits (on a thread of its own) until `count` events match `predicate`; returns whether they did.
        func wait(
            for count: Int = 1, timeout: TimeInterval = 30,
            _ predicate: @escaping @Sendable (PostgresListener.Event) -> Bool
        )
            async throws -> Bool
        {
            try await ThrowawayPostgres.blocking { [self] in
                let deadline = Date(timeIntervalSinceNow: timeout)
                condition.lock()
                defer { condition.unlock() }
                while events.filter(predicate).count < count {
                    if !condition.wait(until: deadline) { return false }
                }
                return true
            }
        }

        var payloads: [String] {
            condition.lock()
            defer { condition.unlock() }
            return events.compactMap {
                if case .notification(let note) = $0 { return note.payload }
                return nil
            }
        }
    }

    static func isConnected(again: Bool) -> @Sendable (PostgresListener.Event) -> Bool {
        { if case .connected(again) = $0 { true } else { false } }
    }

    static let isDisconnected: @Sendable (PostgresListener.Event) -> Bool = {
        if case .disconnected = $0 { true } else { false }
    }

    static func isNotification(_ payload: String) -> @Sendable (PostgresListener.Event) -> Bool {
        {
            if case .notification(let note) = $0 {
                note.payload == payload && note.channel == "concertd"
            } else {
                false
            }
        }
    }

    func listen(_ url: DatabaseURL, _ events: Events) -> PostgresListener {
        let listener = PostgresListener(
            settings: PostgresSettings(url: url), channels: ["concertd"],
            backoff: .init(initial: 0.05, maximum: 0.5), target: DispatchQueue(label: "test.listener.events")
        ) { events.add($0) }
        listener.start()
        return listener
    }

    @Test func aNotificationFromAnotherConnectionArrivesWithoutPolling() async throws {
        let url = try await ThrowawayPostgres.shared().makeDatabase()
        let events = Events()
        let listener = listen(url, events)
        defer { listener.stop() }
        #expect(try await events.wait(Self.isConnected(again: false)))
        let sender = try PostgresConnection(PostgresSettings(url: url))
        try sender.execute("NOTIFY concertd, 'one'")
        try sender.transaction {
            for n in 2...4 { try sender.query("SELECT pg_notify('concertd', $1)", [.text("n\(n)")]) }
        }
        #expect(try await events.wait(Self.isNotification("n4")))
        #expect(events.payloads == ["one", "n2", "n3", "n4"])
    }

    @Test func aKilledListeningConnectionIsReplacedAndListensAgain() async throws {
        let url = try await ThrowawayPostgres.shared().makeDatabase()
        let events = Events()
        let listener = listen(url, events)
        defer { listener.stop() }
        #expect(try await events.wait(Self.isConnected(again: false)))
        let sender = try PostgresConnection(PostgresSettings(url: url))
        try sender.query("SELECT pg_terminate_backend($1)", [.integer(Int64(listener.backendPID))])
        #expect(try await events.wait(Self.isDisconnected))
        #expect(try await events.wait(Self.isConnected(again: true)))
        try sender.execute("NOTIFY concertd, 'after'")
        #expect(try await events.wait(Self.isNotification("after")))
    }

    @Test func aListenerOutlivesTheServerGoingAwayAndComingBack() async throws {
        let cluster = try await ThrowawayPostgres.start()
        defer { cluster.destroy() }
        let url = try await cluster.makeDatabase()
        let events = Events()
        let listener = listen(url, events)
        defer { listener.stop() }
        #expect(try await events.wait(Self.isConnected(again: false)))
        try await cluster.stopServer()
        // Lost, then each attempt while the server is down fails and is retried.
        #expect(try await events.wait(for: 3, Self.isDisconnected))
        try await cluster.startServer()
        #expect(try await events.wait(Self.isConnected(again: true)))
        let sender = try PostgresConnection(PostgresSettings(url: url))
        try sender.execute("NOTIFY concertd, 'back'")
        #expect(try await events.wait(Self.isNotification("back")))
    }

    @Test func aStoppedListenerDeliversNothingMore() async throws {
        let url = try await ThrowawayPostgres.shared().makeDatabase()
        let events = Events()
        let listener = listen(url, events)
        #expect(try await events.wait(Self.isConnected(again: false)))
        listener.stop()
        #expect(listener.backendPID == 0)
        let sender = try PostgresConnection(PostgresSettings(url: url))
        try sender.execute("NOTIFY concertd, 'late'")
        // The sender's own LISTEN on a fresh connection proves the notification was sent.
        let witness = Events()
        let second = listen(url, witness)
        defer { second.stop() }
        #expect(try await witness.wait(Self.isConnected(again: false)))
        try sender.execute("NOTIFY concertd, 'late2'")
        #expect(try await witness.wait(Self.isNotification("late2")))
        #expect(events.payloads.isEmpty)
    }
}
