import ConcertProtocol
import Foundation
import Testing

@testable import ConcertDaemon

/// What each method answers about a removed subscription and about deliveries that cannot be
/// retried: one consistent answer (`conflict`, saying when it was removed), where `not_found`
/// contradicted `deliveries`, which still lists the subscription's history.
@Suite(.serialized, .timeLimit(.minutes(1))) struct RemovedSubscriptionTests {
    func call<P, R>(_ daemon: TestDaemon, _ method: ControlMethod<P, R>, _ params: P) throws -> ControlReply {
        let client = try RawControlClient(path: daemon.socketPath)
        try client.send(method, params, id: 1)
        return try client.readReply(timeout: 30)
    }

    /// A generic webhook to a closed port: its test message fails at once.
    func subscribeUnreachable(_ daemon: TestDaemon) throws -> String {
        let reply = try call(
            daemon, ControlMethods.subscribe,
            SubscribeParams(cities: ["busan"], webhook: "http://127.0.0.1:9/hook", format: "generic", quiet: true))
        return try reply.decodeResult(as: SubscribeResult.self).id
    }

    @Test func everyChangeOfARemovedSubscriptionIsAConflictSayingWhenItWasRemoved() throws {
        let daemon = try TestDaemon(clockStart: "2019-10-21T10:30")
        defer { daemon.remove() }
        let id = try subscribeUnreachable(daemon)
        #expect(try call(daemon, ControlMethods.unsubscribe, SubscriptionIDParams(id: id)).error == nil)
        for method in [ControlMethods.unsubscribe, ControlMethods.pause, ControlMethods.resume] {
            let error = try call(daemon, method, SubscriptionIDParams(id: id)).error
            #expect(error?.code == .conflict, "\(method)")
            #expect(error?.field == "id")
            #expect(
                error?.message.contains("'\(id)' was removed on 2019-10-21 10:30") == true,
                "\(String(describing: error))")
        }
        let test = try call(daemon, ControlMethods.test, SubscriptionIDParams(id: id)).error
        #expect(test?.code == .conflict && test?.message.contains("was removed on") == true)
        // Its history is still there, as the message says.
        let listed = try call(daemon, ControlMethods.deliveries, DeliveriesParams(subscription: id))
        #expect(try listed.decodeResult(as: DeliveriesResult.self).deliveries.isEmpty == false)
        let unknown = try call(daemon, ControlMethods.unsubscribe, SubscriptionIDParams(id: "sub-neverwas")).error
        #expect(unknown?.code == .notFound)
    }

    @Test func retryIsNotFoundForAnUnknownDeliveryAndAConflictForOneThatCannotBeRetried() throws {
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        let unknown = try call(daemon, ControlMethods.retry, DeliveryIDParams(id: 999_999)).error
        #expect(unknown?.code == .notFound)
        #expect(unknown?.field == "id")

        let id = try subscribeUnreachable(daemon)
        let test = try call(daemon, ControlMethods.test, SubscriptionIDParams(id: id))
        #expect(try test.decodeResult(as: TestResult.self).delivered == false)
        let rows = try daemon.daemon.database.deliveries(subscriptionID: id)
        let failed = try #require(rows.first { $0.state == .failed })
        let scheduled = try #require(rows.first { $0.state == .scheduled })

        let notFailed = try call(daemon, ControlMethods.retry, DeliveryIDParams(id: scheduled.id)).error
        #expect(notFailed?.code == .conflict)
        #expect(notFailed?.message.contains("scheduled") == true, "\(String(describing: notFailed))")

        _ = try call(daemon, ControlMethods.pause, SubscriptionIDParams(id: id))
        let paused = try call(daemon, ControlMethods.retry, DeliveryIDParams(id: failed.id)).error
        #expect(paused?.code == .conflict)
        #expect(paused?.message.contains("paused") == true && paused?.message.contains("resume") == true)

        _ = try call(daemon, ControlMethods.unsubscribe, SubscriptionIDParams(id: id))
        let removed = try call(daemon, ControlMethods.retry, DeliveryIDParams(id: failed.id)).error
        #expect(removed?.code == .conflict && removed?.message.contains("was removed on") == true)
        #expect(try daemon.daemon.database.delivery(id: failed.id)?.state == .failed, "nothing was changed")
    }
}
