import ConcertCore
import ConcertProtocol
import Foundation

extension DaemonControlHandler {
    static func registerStatus(_ router: inout ControlRouter, _ daemon: Daemon) {
        router.register(ControlMethods.status) { _, _ in try statusReport(daemon) }
        router.register(ControlMethods.reload) { params, peer in
            do {
                let summary = try daemon.reload(requestedBy: .peer(peer), takeFile: params.takeFile == true)
                return ReloadResult(summary: summary.description, warnings: summary.warnings)
            } catch {
                throw ControlError.configError("\(error)")
            }
        }
    }
}

extension DeliveryInfo {
    /// The row as listings show it; `reply` is the answer to its last attempt (`lastReplies`).
    init(_ delivery: Delivery, reply: AttemptReply? = nil, daemon: Daemon) {
        let final = delivery.state.isFinal
        // A pending row tried at another moment than its own: being retried, or waiting for the
        // same message through another subscription of its channel.
        let putOff = !final && delivery.state != .sending && delivery.nextAttempt != delivery.due
        self.init(
            id: delivery.id, subscription: delivery.subscriptionID, concert: delivery.concertID,
            kind: delivery.kind.rawValue, offset: delivery.offset.description,
            due: KoreaTime.iso8601(delivery.due), state: delivery.state.rawValue,
            attempts: delivery.attempts, lastError: delivery.lastError.map(daemon.redact),
            reason: delivery.reason?.rawValue,
            nextAttempt: putOff ? delivery.nextAttempt.map(KoreaTime.iso8601) : nil,
            finished: final ? delivery.finishedAt.map(KoreaTime.iso8601) : nil,
            reply: reply?.detail.map(daemon.redact), replyCode: reply?.code)
    }
}
