import ConcertCore
import ConcertProtocol
import Foundation

extension DaemonControlHandler {
    static func registerStatus(_ router: inout ControlRouter, _ daemon: Daemon) {
        router.register(ControlMethods.status) { _, _ in
            let counters = try store { try daemon.database.counters() }
            let scheduler = daemon.scheduler.status()
            var deliveries: [String: Int] = [:]
            var subscriptions: [String: Int] = [:]
            for (name, value) in counters where value != 0 {
                if name.hasPrefix("delivery.") { deliveries[String(name.dropFirst(9))] = value }
                if name.hasPrefix("subscription.") { subscriptions[String(name.dropFirst(13))] = value }
            }
            let now = daemon.clock.now()
            let concertCounts = try store { try daemon.database.concertCounts(now: now) }
            let next = try store { try daemon.database.upcoming(limit: 1) }.first
            let rate = daemon.resolved.configuration.clockShift?.rate ?? 1
            var result = StatusResult(
                version: ConcertDaemonInfo.version, uptimeSeconds: Int(Date().timeIntervalSince(daemon.startedAt)),
                clock: ClockStatus(now: KoreaTime.iso8601(now), shifted: scheduler.clockShifted, rate: rate),
                counts: StatusCounts(concerts: concertCounts, subscriptions: subscriptions, deliveries: deliveries),
                failingDestinations: scheduler.failingDestinations.map {
                    FailingDestination(
                        destination: $0.destination, failures: $0.failures,
                        lastError: daemon.redact($0.lastError), since: KoreaTime.iso8601($0.since))
                },
                nextDue: next.map { DeliveryInfo($0, daemon: daemon) },
                storeError: scheduler.storeFault.map {
                    StoreErrorStatus(
                        message: daemon.redact($0.message), since: KoreaTime.iso8601($0.since),
                        retryingAt: KoreaTime.iso8601($0.retryAt), failures: $0.failures)
                })
            if let address = daemon.webAddress, let base = daemon.webLinks?.baseURL {
                result.web = WebListenerStatus(
                    listen: address.description, baseURL: base,
                    pendingRequests: try store { try daemon.database.pendingWebRequestCount(now: now) })
            }
            if let address = daemon.metricsAddress {
                result.metrics = MetricsListenerStatus(listen: address.description)
            }
            result.store = Daemon.storeStatus(daemon.resolved)
            let (inForce, fileVersion) = daemon.catalogStatus
            result.catalog = CatalogStatus(
                version: inForce?.version ?? daemon.catalog.version,
                takenAt: inForce.map { KoreaTime.iso8601($0.takenAt) },
                takenBy: inForce?.takenBy, file: daemon.resolved.paths.catalogPath, fileVersion: fileVersion)
            return result
        }
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
