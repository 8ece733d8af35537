import ConcertCore
import Foundation
import Prometheus
import Synchronization

/// The daemon's metrics: one Prometheus registry per daemon, the counters and histograms the
/// scheduler, the control server and the metrics listener feed as they work, and the gauges read
/// from the store and the scheduler when `/metrics` is scraped (no timer refreshes them, so an
/// idle daemon makes no wake-ups for them).
///
/// The registry is this object's own and never bootstrapped into swift-metrics' global
/// `MetricsSystem`: many daemons in one test process each count their own. Metrics are made on
/// the registry with their `# HELP` text (swift-metrics' API has no place for it, and
/// `promtool check metrics` requires it); swift-prometheus writes the exposition.
///
/// Counting costs a lock of the registry and an atomic add: no store read per delivery.
public final class DaemonMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    let lateness: ValueHistogram
    let storeUp: Gauge
    let databaseSize: Gauge
    let outboxDepth: Gauge
    let sendsInFlight: Gauge
    let failingDestinations: Gauge
    /// The `concertd_deliveries_total` series and the store's total each last showed: a scrape
    /// adds what the store counted since.
    private let deliverySeries = Mutex<[DeliverySeries: (counter: Counter, shown: Int)]>([:])
    private let durationSeries = Mutex<[String: ValueHistogram]>([:])

    /// The labels of one `concertd_deliveries_total` series.
    private struct DeliverySeries: Hashable {
        var state: Delivery.State
        var kind: Delivery.Kind
        var channel: String
    }

    /// Histogram buckets, in seconds, that resolve a 5 ms p99 and still place a send that took minutes.
    public static let secondsBuckets: [Double] = [
        0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300,
    ]

    /// - Parameters:
    ///   - version: the build's version, for `concertd_build_info`.
    ///   - startedAt: the process's start, for `process_start_time_seconds`.
    public init(version: String, startedAt: Date) {
        let registry = PrometheusCollectorRegistry()
        self.registry = registry
        registry.makeGauge(
            descriptor: Self.name(
                "process_start_time_seconds", "Start time of the process since the Unix epoch, in seconds.")
        ).set(to: startedAt.timeIntervalSince1970)
        registry.makeGauge(
            descriptor: Self.name("concertd_build_info", "The running concertd's version; the value is always 1."),
            labels: [("version", version)]
        ).set(to: 1)
        lateness = registry.makeValueHistogram(
            descriptor: Self.name(
                "concertd_send_lateness_seconds",
                "How long after its due moment each send started, on the scheduler's clock."),
            buckets: Self.secondsBuckets)
        storeUp = registry.makeGauge(
            descriptor: Self.name(
                "concertd_store_up", "1 when the store's gauges were read at this scrape, 0 when the store failed."))
        databaseSize = registry.makeGauge(
            descriptor: Self.name(
                "concertd_database_size_bytes", "The database's size: SQLite's page count times its page size."))
        outboxDepth = registry.makeGauge(
            descriptor: Self.name(
                "concertd_outbox_depth", "Deliveries waiting to be sent: scheduled and retrying."))
        sendsInFlight = registry.makeGauge(
            descriptor: Self.name("concertd_sends_in_flight", "Sends in progress."))
        failingDestinations = registry.makeGauge(
            descriptor: Self.name(
                "concertd_failing_destinations",
                "Destinations held for failing and webhook hosts failing, as concertctl status lists them."))
    }

    /// Brings `concertd_deliveries_total` up to the store's totals: each series goes up by what
    /// the store counted since the last scrape (a total that went down, a database restored from
    /// a backup, is not taken back: a counter only grows while the process lives).
    func showDeliveries(_ totals: [FinishedDeliveryCount]) {
        deliverySeries.withLock { series in
            for total in totals {
                let key = DeliverySeries(state: total.state, kind: total.kind, channel: total.channel)
                var entry =
                    series[key]
                    ?? (
                        registry.makeCounter(
                            descriptor: Self.deliveriesName,
                            labels: [
                                ("state", total.state.rawValue), ("kind", total.kind.rawValue),
                                ("channel", total.channel),
                            ]),
                        0
                    )
                if total.count > entry.shown {
                    entry.counter.increment(by: Int64(total.count - entry.shown))
                    entry.shown = total.count
                }
                series[key] = entry
            }
        }
    }

    /// `concertd_send_duration_seconds` of one channel.
    func sendDuration(channel: String) -> ValueHistogram {
        durationSeries.withLock { series in
            if let histogram = series[channel] { return histogram }
            let histogram = registry.makeValueHistogram(
                descriptor: Self.sendDurationName, labels: [("channel", channel)], buckets: Self.secondsBuckets)
            series[channel] = histogram
            return histogram
        }
    }

    /// Counts one control request: `method` is the name of a method the daemon answers, or
    /// `unknown`; `outcome` is `ok` or the error's name (`not_found`, `invalid_params`, …).
    public func countControlRequest(method: String, outcome: String) {
        registry.makeCounter(
            descriptor: Self.controlRequestsName, labels: [("method", method), ("outcome", outcome)]
        ).increment()
    }

    /// Counts one request to the metrics listener: `path` is `/metrics`, `/healthz` or `other`.
    func countHTTPRequest(path: String, code: Int) {
        registry.makeCounter(descriptor: Self.httpRequestsName, labels: [("path", path), ("code", String(code))])
            .increment()
    }

    // `nonisolated(unsafe)`: swift-prometheus' descriptor is not marked Sendable, but these are
    // immutable values of strings, never written after they are made.

    /// A metric's name with its help text (no namespace or unit parts: the name is given whole).
    static func name(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }

    nonisolated(unsafe) static let deliveriesName = name(
        "concertd_deliveries_total",
        "Deliveries that reached a final state (sent, failed, skipped), by kind and channel, ever: "
            + "the store's totals, so a restart resets nothing.")
    nonisolated(unsafe) static let sendDurationName = name(
        "concertd_send_duration_seconds", "How long each send attempt took, by channel.")
    nonisolated(unsafe) static let retriesName = name(
        "concertd_delivery_retries_total", "Deliveries put back to be tried again, by the verdict's classification.")
    nonisolated(unsafe) static let controlRequestsName = name(
        "concertd_control_requests_total", "Control socket requests, by method and outcome (ok or the error's name).")
    nonisolated(unsafe) static let httpRequestsName = name(
        "concertd_http_requests_total", "Requests to the metrics listener, by path and status code.")
    nonisolated(unsafe) static let subscriptionsName = name(
        "concertd_subscriptions", "Subscriptions by state and by how they were made (control, import, unknown).")
}
