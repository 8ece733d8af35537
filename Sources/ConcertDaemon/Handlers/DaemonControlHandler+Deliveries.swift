import ConcertCore
import ConcertProtocol
import Foundation

extension DaemonControlHandler {
    static func registerDeliveries(_ router: inout ControlRouter, _ daemon: Daemon) {
        router.register(ControlMethods.upcoming) { params, _ in
            let limit = try checkedLimit(params.limit, default: 20)
            return DeliveriesResult(
                deliveries: try deliveryInfos(try store { try daemon.database.upcoming(limit: limit) }, daemon: daemon))
        }
        router.register(ControlMethods.deliveries) { params, _ in
            let limit = try checkedLimit(params.limit, default: 50)
            let state = try params.state.map { text throws(ControlError) -> Delivery.State in
                guard let state = Delivery.State(rawValue: text) else {
                    throw .invalidInput(
                        "unknown state '\(text)'; use \(Delivery.State.allCases.map(\.rawValue).joined(separator: ", "))",
                        field: "state")
                }
                return state
            }
            let list = try store {
                try daemon.database.deliveries(state: state, subscriptionID: params.subscription, limit: limit)
            }
            let notPlanned = try params.subscription.map { id in
                try store { try daemon.database.unplannedReminders(subscriptionID: id) }.map {
                    UnplannedReminderInfo(
                        concert: $0.concertID, offset: $0.offset.description, due: KoreaTime.iso8601($0.due),
                        reason: $0.reason)
                }
            }
            return DeliveriesResult(deliveries: try deliveryInfos(list, daemon: daemon), notPlanned: notPlanned)
        }
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
        router.register(ControlMethods.preview) { params, _ in
            let now = daemon.clock.now()
            let from = try params.from.map { try moment($0, field: "from") } ?? now
            let to = try params.to.map { try moment($0, field: "to") } ?? from.addingTimeInterval(7 * 86_400)
            guard to >= from else { throw ControlError.invalidInput("--to is before --from", field: "to") }
            let city = try params.city.map { try resolveCity($0, field: "city", daemon: daemon) }
            let concerts = Dictionary(
                uniqueKeysWithValues: try store { try daemon.database.concerts() }.map { ($0.concert.id, $0) })
            let renderer = daemon.renderer
            let claimed = try store { try daemon.database.pendingDeliveries(from: from, to: to, limit: 10_000) }
            let catalog = daemon.catalog
            let reminders = claimed.compactMap { item -> PreviewReminder? in
                guard let concert = concerts[item.delivery.concertID] else { return nil }
                if let city, !item.subscription.cities.contains(city.id) || !concert.concert.cities.contains(city.id) {
                    return nil
                }
                let due = item.delivery.nextAttempt ?? item.delivery.due
                let rendered = renderer.render(OutboundMessage(item, concert: concert, catalog: catalog, now: due))
                let isEmail = item.subscription.channel.kind == "email"
                return PreviewReminder(
                    subscription: item.subscription.id, concert: concert.concert.id,
                    offset: item.delivery.offset.description, due: KoreaTime.iso8601(due),
                    channel: SubscriptionInfo(item.subscription).channel, lang: item.subscription.language.rawValue,
                    subject: isEmail ? rendered.subject : nil, body: isEmail ? rendered.body : rendered.text)
            }
            return PreviewResult(reminders: reminders)
        }
    }

    /// The listing's rows with the answers to their last attempts.
    static func deliveryInfos(_ list: [Delivery], daemon: Daemon) throws(ControlError) -> [DeliveryInfo] {
        let replies = try store {
            try daemon.database.lastReplies(deliveryIDs: list.filter { $0.attempts > 0 }.map(\.id))
        }
        return list.map { DeliveryInfo($0, reply: replies[$0.id], daemon: daemon) }
    }

    static func checkedLimit(_ limit: Int?, default value: Int) throws(ControlError) -> Int {
        guard let limit else { return value }
        guard (1...100_000).contains(limit) else {
            throw .invalidInput("the limit must be between 1 and 100000", field: "limit")
        }
        return limit
    }

    static func moment(_ text: String, field: String) throws(ControlError) -> Date {
        switch KoreaTime.parseMoment(text) {
        case .instant(let date)?: return date
        case .date(let day)?: return day.startInKorea
        case nil: throw .invalidInput("'\(text)' is not an ISO date or date and time", field: field)
        }
    }
}
