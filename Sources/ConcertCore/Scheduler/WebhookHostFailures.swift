import Foundation

/// Webhook hosts failing as a whole, for `status` and the journal: no answer (DNS, refused
/// connection, TLS, timeout, connection lost) or a retryable HTTP status (5xx, 408, 425, 429),
/// to several distinct deliveries in a row.
///
/// A webhook host is not held on its failures, as the smarthost is: many subscriptions share one
/// host (`hooks.slack.com`), and one URL answering 500 is that URL's trouble, not its
/// neighbours'. Each message keeps its own retries. A host counts as failing once `threshold`
/// distinct deliveries to it failed with no answer from it in between (one message retried
/// over and over does not make its host failing); any answer that is no such failure (sent, 4xx,
/// 410) ends the run.
struct WebhookHostFailures {
    /// Distinct deliveries that must fail in a row before a host shows as failing.
    static let threshold = 3

    /// One host's current run of failures.
    struct Run {
        var since: Date
        var failures: Int
        var lastError: String
        /// The distinct deliveries that failed in this run, up to `threshold`.
        var deliveries: Set<Int64> = []
        var isFailing: Bool { deliveries.count >= WebhookHostFailures.threshold }
    }

    /// A host that started or stopped failing, to be logged once.
    enum Change {
        case failing(String, Run)
        case recovered(String, Run)
    }

    private var runs: [String: Run] = [:]

    /// Notes a verdict on a send to `host`; returns the change of its state, if any.
    mutating func note(host: String, deliveryID: Int64, verdict: Verdict, now: Date) -> Change? {
        switch verdict {
        case .retryable(let error, _), .destinationFailed(let error, _):
            var run = runs[host] ?? Run(since: now, failures: 0, lastError: error)
            let wasFailing = run.isFailing
            run.failures += 1
            run.lastError = error
            if !run.isFailing { run.deliveries.insert(deliveryID) }
            runs[host] = run
            return !wasFailing && run.isFailing ? .failing(host, run) : nil
        case .sent, .permanent, .gone:
            guard !runs.isEmpty, let run = runs.removeValue(forKey: host) else { return nil }
            return run.isFailing ? .recovered(host, run) : nil
        }
    }

    /// How many hosts are failing now, leaving out those `isCounted` already counts: the
    /// `failing` list's length, without building it.
    func failingCount(leavingOut isCounted: (String) -> Bool) -> Int {
        runs.count { $0.value.isFailing && !isCounted($0.key) }
    }

    /// The hosts failing now, by name.
    var failing: [DestinationFailureRun] {
        runs.filter(\.value.isFailing).map { host, run in
            DestinationFailureRun(
                destination: host, since: run.since, failures: run.failures, lastError: run.lastError, retryAt: nil)
        }.sorted { $0.destination < $1.destination }
    }
}
