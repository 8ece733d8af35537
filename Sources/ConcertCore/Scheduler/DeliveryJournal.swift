import Foundation
import Logging

/// What the scheduler's sends come to, told to the journal and the metrics: each verdict once, at
/// a level that keeps a fan-out out of the journal, the rows skipped when they came due, the
/// destinations held, the store's faults, and one summary line per fan-out. Confined to the
/// scheduler's queue.
///
/// The one place the scheduler tells its metrics observer anything (a sink: it calls nothing
/// back): a send's start and end (``ObservedSend``, made by `sendStarted`) and each retry.
struct DeliveryJournal {
    let logger: Logger
    /// Told of each send and retry, for metrics.
    private let observer: (any DeliveryObserver)?
    /// What the sends since the last summary came to.
    private var tally = SendTally()

    init(logger: Logger, observer: (any DeliveryObserver)?) {
        self.logger = logger
        self.observer = observer
    }

    /// Tells the observer, if any, that `item` is being sent at `now`; the value returned tells it
    /// the send ended, from the channel's completion thread.
    func sendStarted(_ item: ClaimedDelivery, now: () -> Date) -> ObservedSend? {
        ObservedSend(item, channel: item.subscription.channel.metricsName, observer: observer, now: now)
    }

    /// Logs one send's record, made from `verdict`: a message sent at `debug`, one to be retried at
    /// `notice`, one that failed for good at `warning`; the summary line of `summarize` is at `info`.
    mutating func log(_ record: DeliveryRecord, verdict: Verdict, destination: String?) {
        tally.add(record.newState)
        if let observer, record.newState == .retrying {
            if case .destinationFailed = verdict {
                observer.retryScheduled(reason: .destinationFailed)
            } else {
                observer.retryScheduled(reason: .retryable)
            }
        }
        // A fan-out's sends: no metadata built unless it is written.
        if record.newState == .sent && logger.logLevel > .debug { return }
        let delivery = record.delivery
        var metadata: Logger.Metadata = [
            "delivery.id": "\(delivery.id)", "subscription.id": "\(record.subscription.id)",
            "kind": "\(delivery.kind.rawValue)", "attempt": "\(delivery.attempts)",
        ]
        if delivery.kind == .reminder { metadata["offset"] = "\(delivery.offset)" }
        if let destination { metadata["destination"] = "\(destination)" }
        switch record.newState {
        case .sent:
            metadata["reply"] = "\(record.outcome.detail)"
            logger.debug("sent", metadata: metadata)
        case .retrying:
            metadata["error"] = "\(record.error ?? "")"
            metadata["next_attempt"] = "\(record.nextAttempt.map(KoreaTime.iso8601) ?? "")"
            logger.notice("send failed; will retry", metadata: metadata)
        case .skipped:
            metadata["reason"] = "\(record.reason?.rawValue ?? "")"
            metadata["error"] = "\(record.error ?? "")"
            logger.notice("send failed; skipped", metadata: metadata)
        default:
            metadata["error"] = "\(record.error ?? "")"
            if record.disablesSubscription != nil {
                logger.warning("endpoint is gone; subscription disabled until concertctl resume", metadata: metadata)
            } else {
                logger.warning("delivery failed", metadata: metadata)
            }
        }
    }

    /// Counts the rows skipped when they came due and logs each at `notice`, as a send skipped by
    /// its verdict is: a duplicate of a message the channel already got, or a row of a paused,
    /// disabled or removed subscription. Rows whose concert had started are counted only; they
    /// come all at once after downtime and have their one `info` line.
    mutating func skips(_ skips: [(Delivery, Delivery.SkipReason)], duplicates: [PendingDelivery]) {
        let stopped = skips.filter { $0.1 != .missed }
        for _ in 0..<(skips.count - stopped.count) { tally.add(.skipped) }
        let logged = stopped + duplicates.map { ($0.delivery, Delivery.SkipReason.duplicate) }
        for (delivery, reason) in logged {
            tally.add(.skipped)
            var metadata: Logger.Metadata = [
                "delivery.id": "\(delivery.id)", "subscription.id": "\(delivery.subscriptionID)",
                "kind": "\(delivery.kind.rawValue)", "reason": "\(reason.rawValue)",
            ]
            if delivery.kind == .reminder { metadata["offset"] = "\(delivery.offset)" }
            logger.notice(
                reason == .duplicate
                    ? "skipped: the same message already went to this channel"
                    : "skipped: the subscription is \(reason.rawValue)",
                metadata: metadata)
        }
    }

    /// Logs a hold a verdict started and a webhook host that started or stopped failing as a
    /// whole; returns whether a webhook host changed (a status line shows it).
    func note(_ change: DeliveryPolicy.HealthChange) -> Bool {
        if let held = change.held { hold(held) }
        guard let host = change.webhookHost else { return false }
        webhookHost(host)
        return true
    }

    /// Logs that a destination failed as a whole and its messages are held.
    private func hold(_ held: DestinationFailureRun) {
        logger.warning(
            "destination failing; holding its messages",
            metadata: [
                "destination": "\(held.destination)", "failures": "\(held.failures)",
                "retry_at": "\(held.retryAt.map(KoreaTime.iso8601) ?? "")", "error": "\(held.lastError)",
            ])
    }

    /// Logs that a webhook host started or stopped failing as a whole.
    private func webhookHost(_ change: WebhookHostFailures.Change) {
        switch change {
        case .failing(let host, let run):
            logger.warning(
                "webhook host failing: several messages to it in a row got no answer or a retryable error",
                metadata: [
                    "destination": "\(host)", "failures": "\(run.failures)", "error": "\(run.lastError)",
                    "since": "\(KoreaTime.iso8601(run.since))",
                ])
        case .recovered(let host, let run):
            logger.notice(
                "webhook host answering again",
                metadata: [
                    "destination": "\(host)", "failures": "\(run.failures)", "since": "\(KoreaTime.iso8601(run.since))",
                ])
        }
    }

    /// Logs that the outbox could not be read or written, with the records kept meanwhile.
    ///
    /// The first failure is logged; then a reminder every ``storeFaultReminderEvery`` failures
    /// (with the wait at its most, 60 s, every five minutes), not one per try.
    func storeFailed(_ fault: StoreFault, waitingRecords: Int) {
        guard fault.failures == 1 || fault.failures % Self.storeFaultReminderEvery == 0 else { return }
        logger.error(
            fault.failures == 1
                ? "the outbox could not be read or written; nothing is sent until it can, records are kept"
                : "the outbox still cannot be read or written; nothing is sent until it can, records are kept",
            metadata: [
                "error": "\(fault.message)", "failures": "\(fault.failures)", "waiting_records": "\(waitingRecords)",
                "retry_at": "\(KoreaTime.iso8601(fault.retryAt))",
            ])
    }

    /// Failed tries of the outbox between two reminders in the journal.
    static let storeFaultReminderEvery = 5

    /// Logs that a store call succeeded after `fault`.
    func storeRecovered(_ fault: StoreFault) {
        logger.notice(
            "the outbox can be written again",
            metadata: ["failures": "\(fault.failures)", "since": "\(KoreaTime.iso8601(fault.since))"])
    }

    /// Logs at `info` what the sends since the last summary came to, once nothing is in flight and
    /// nothing waits for a slot: one line per fan-out (or per lone reminder), and none while idle.
    mutating func summarize() {
        guard !tally.isEmpty else { return }
        logger.info(
            "sends finished",
            metadata: [
                "sent": "\(tally.sent)", "retrying": "\(tally.retrying)", "failed": "\(tally.failed)",
                "skipped": "\(tally.skipped)",
            ])
        tally = SendTally()
    }
}
