import ConcertCore
import ConcertProtocol
import Foundation

extension DaemonControlHandler {
    static func registerDeliveries(_ router: inout ControlRouter, _ daemon: Daemon) {
        router.register(ControlMethods.retry) { params, _ in
            try store { try daemon.database.retryDelivery(id: params.id, now: daemon.clock.now()) }
            daemon.scheduler.wake()
            guard let delivery = try store({ try daemon.database.delivery(id: params.id) }) else {
                throw ControlError.notFound("no delivery \(params.id)", field: "id")
            }
            return DeliveryResult(delivery: DeliveryInfo(delivery, daemon: daemon))
        }
        router.register(ControlMethods.test) { params, _ in
            let outcome: Result<DeliveryOutcome, any Error> = await withCheckedContinuation { continuation in
                daemon.scheduler.sendTest(subscriptionID: params.id) { continuation.resume(returning: $0) }
            }
            switch outcome {
            case .success(let verdict):
                if case .sent(let detail) = verdict {
                    return TestResult(subscription: params.id, delivered: true, detail: daemon.redact(detail))
                }
                return TestResult(subscription: params.id, delivered: false, detail: daemon.redact(verdict.detail))
            case .failure(let error):
                _ = try store { throw error }
                throw ControlError.internalError()
            }
        }
    }
}
