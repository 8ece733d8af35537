import ConcertCore
import ConcertProtocol
import Foundation

extension DaemonControlHandler {
    static func registerDeliveries(_ router: inout ControlRouter, _ daemon: Daemon) {
        router.register(ControlMethods.retry) { params, peer in
            guard let failed = try store({ try daemon.database.delivery(id: params.id) }) else {
                throw ControlError.notFound("no delivery \(params.id)", field: "id")
            }
            guard failed.state == .failed else {
                throw ControlError.conflict(
                    "delivery \(params.id) is \(failed.state.rawValue), not failed: only failed deliveries are retried",
                    field: "id")
            }
            // Sent now, it would only be skipped: the scheduler sends for active subscriptions alone.
            let subscription = try existingSubscription(failed.subscriptionID, daemon: daemon)
            guard subscription.state == .active else {
                throw ControlError.conflict(
                    "delivery \(params.id) belongs to subscription '\(subscription.id)', which is "
                        + "\(subscription.state.rawValue): resume it first", field: "id")
            }
            try store { try daemon.database.retryDelivery(id: params.id, now: daemon.clock.now()) }
            daemon.scheduler.wake()
            guard let delivery = try store({ try daemon.database.delivery(id: params.id) }) else {
                throw ControlError.notFound("no delivery \(params.id)", field: "id")
            }
            daemon.logger.operatorAction(
                "delivery retried", by: .peer(peer),
                ["delivery.id": "\(delivery.id)", "subscription.id": "\(delivery.subscriptionID)"])
            return RetryResult(delivery: DeliveryInfo(delivery, daemon: daemon))
        }
        router.register(ControlMethods.test) { params, _ in
            _ = try existingSubscription(params.id, daemon: daemon)
            let outcome: Result<Verdict, any Error> = await withCheckedContinuation { continuation in
                daemon.scheduler.sendTest(subscriptionID: params.id) { continuation.resume(returning: $0) }
            }
            switch outcome {
            case .success(let verdict):
                if case .sent(let detail) = verdict {
                    return TestResult(subscription: params.id, delivered: true, detail: daemon.redact(detail))
                }
                // A 410 disables an active subscription (a paused one stays paused).
                var disabled: Bool?
                if case .gone = verdict {
                    let state = try store { try daemon.database.subscription(id: params.id) }?.state
                    if state == .disabled || state == .active { disabled = true }
                }
                return TestResult(
                    subscription: params.id, delivered: false, detail: daemon.redact(verdict.detail),
                    subscriptionDisabled: disabled)
            case .failure(let error):
                _ = try store { throw error }
                throw ControlError.internalError()
            }
        }
    }

    /// The listing's rows with the answers to their last attempts and, on a store several
    /// instances share, the instance that made each.
    static func deliveryInfos(_ list: [Delivery], daemon: Daemon) throws(ControlError) -> [DeliveryInfo] {
        let tried = list.filter { $0.attempts > 0 }.map(\.id)
        let (replies, instances) = try store {
            (
                try daemon.database.lastReplies(deliveryIDs: tried),
                try daemon.database.lastAttemptInstances(deliveryIDs: tried)
            )
        }
        return list.map { delivery in
            var info = DeliveryInfo(delivery, reply: replies[delivery.id], daemon: daemon)
            info.instance = instances[delivery.id]
            return info
        }
    }
}
