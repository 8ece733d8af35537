import ConcertCore
import Foundation
import Testing

@testable import ConcertMetrics

/// The metrics type: what the scheduler and the listeners report lands in the right series, the
/// store's gauges are read at each scrape, and every line of a scrape is valid exposition text.
@Suite struct DaemonMetricsTests {
    struct StoreDown: Error {}

    static func sources(
        counters: [String: Int] = [:], size: Int64 = 4096, failing: Bool = false,
        gauges: SchedulerGauges = .init()
    ) -> MetricsSources {
        MetricsSources(
            counters: {
                if failing { throw StoreDown() }
                return counters
            },
            databaseSize: { size }, scheduler: { gauges })
    }

    func scrape(_ metrics: DaemonMetrics, _ sources: MetricsSources = sources()) -> ExpositionLines {
        let lines = ExpositionLines(String(decoding: metrics.scrape(sources), as: UTF8.self))
        #expect(lines.problems.isEmpty, "\(lines.problems)")
        return lines
    }

    func metrics() -> DaemonMetrics {
        DaemonMetrics(version: "9.9.9", startedAt: Date(timeIntervalSince1970: 1_571_000_000))
    }

    @Test func deliveryCountersShowTheStoreTotalsAndNeverGoDown() {
        let metrics = metrics()
        var counters = [
            "finished.sent.reminder.slack": 40, "finished.failed.confirmation.email": 2, "delivery.sent": 7,
            "finished.bogus.reminder.slack": 1,
        ]
        var lines = scrape(metrics, Self.sources(counters: counters))
        let sentSlack = ["state": "sent", "kind": "reminder", "channel": "slack"]
        #expect(lines.value("concertd_deliveries_total", sentSlack) == 40)
        #expect(
            lines.value("concertd_deliveries_total", ["state": "failed", "kind": "confirmation", "channel": "email"])
                == 2)
        #expect(lines.value("concertd_deliveries_total", ["state": "bogus"]) == nil)
        counters["finished.sent.reminder.slack"] = 43
        counters["finished.skipped.reminder.email"] = 1
        lines = scrape(metrics, Self.sources(counters: counters))
        #expect(lines.value("concertd_deliveries_total", sentSlack) == 43)
        #expect(
            lines.value("concertd_deliveries_total", ["state": "skipped", "kind": "reminder", "channel": "email"]) == 1)
        // A store total that fell (a database restored from a backup) leaves the counter as it was.
        counters["finished.sent.reminder.slack"] = 10
        lines = scrape(metrics, Self.sources(counters: counters))
        #expect(lines.value("concertd_deliveries_total", sentSlack) == 43)
        #expect(lines.types["concertd_deliveries_total"] == "counter")
    }

    @Test func sendHistogramsResolveAFiveMillisecondP99() {
        let metrics = metrics()
        metrics.sendStarted(kind: .reminder, channel: "email", lateness: 0.004)
        metrics.sendStarted(kind: .reminder, channel: "email", lateness: 120)
        metrics.sendEnded(channel: "email", verdict: .sent(detail: "250"), duration: 0.003)
        metrics.sendEnded(channel: "discord", verdict: .sent(detail: "204"), duration: 0.2)
        let lines = scrape(metrics)
        #expect(lines.types["concertd_send_lateness_seconds"] == "histogram")
        #expect(lines.value("concertd_send_lateness_seconds_bucket", ["le": "0.0025"]) == 0)
        #expect(lines.value("concertd_send_lateness_seconds_bucket", ["le": "0.005"]) == 1)
        #expect(lines.value("concertd_send_lateness_seconds_bucket", ["le": "300.0"]) == 2)
        #expect(lines.value("concertd_send_lateness_seconds_count") == 2)
        #expect(lines.value("concertd_send_duration_seconds_bucket", ["channel": "email", "le": "0.005"]) == 1)
        #expect(lines.value("concertd_send_duration_seconds_bucket", ["channel": "discord", "le": "0.1"]) == 0)
        #expect(lines.value("concertd_send_duration_seconds_count", ["channel": "discord"]) == 1)
    }

    @Test func retriesControlRequestsAndHTTPRequestsAreCountedByTheirLabels() {
        let metrics = metrics()
        metrics.retryScheduled(reason: .retryable)
        metrics.retryScheduled(reason: .retryable)
        metrics.retryScheduled(reason: .destinationFailed)
        metrics.countControlRequest(method: "status", outcome: "ok")
        metrics.countControlRequest(method: "unknown", outcome: "method_not_found")
        metrics.countHTTPRequest(path: "/metrics", code: 200)
        let lines = scrape(metrics)
        #expect(lines.value("concertd_delivery_retries_total", ["reason": "retryable"]) == 2)
        #expect(lines.value("concertd_delivery_retries_total", ["reason": "destination_failed"]) == 1)
        #expect(lines.value("concertd_control_requests_total", ["method": "status", "outcome": "ok"]) == 1)
        #expect(
            lines.value("concertd_control_requests_total", ["method": "unknown", "outcome": "method_not_found"]) == 1)
        #expect(lines.value("concertd_http_requests_total", ["path": "/metrics", "code": "200"]) == 1)
    }

    @Test func gaugesAreReadFromTheStoreCountersAndTheSchedulerAtEachScrape() {
        let metrics = metrics()
        let counters = [
            "delivery.scheduled": 7, "delivery.retrying": 2, "delivery.sent": 100,
            "subscription_source.import.active": 1000, "subscription_source.control.paused": 3,
            "subscription_source.unknown.active": 5,
        ]
        let lines = scrape(
            metrics,
            Self.sources(counters: counters, size: 1_234_567, gauges: .init(inFlight: 4, failingDestinations: 2)))
        #expect(lines.value("concertd_outbox_depth") == 9)
        #expect(lines.value("concertd_database_size_bytes") == 1_234_567)
        #expect(lines.value("concertd_sends_in_flight") == 4)
        #expect(lines.value("concertd_failing_destinations") == 2)
        #expect(lines.value("concertd_subscriptions", ["state": "active", "source": "import"]) == 1000)
        #expect(lines.value("concertd_subscriptions", ["state": "paused", "source": "control"]) == 3)
        #expect(lines.value("concertd_subscriptions", ["state": "active", "source": "unknown"]) == 5)
        #expect(lines.value("concertd_subscriptions", ["state": "removed", "source": "control"]) == 0)
        #expect(lines.value("concertd_store_up") == 1)
        #expect(lines.value("concertd_build_info", ["version": "9.9.9"]) == 1)
        #expect(lines.value("process_start_time_seconds") == 1_571_000_000)
    }

    @Test func aStoreThatCannotBeReadStillGivesEveryOtherMetricAndStoreUpZero() {
        let metrics = metrics()
        _ = scrape(metrics, Self.sources(counters: ["delivery.scheduled": 3, "finished.sent.test.generic": 1]))
        let down = scrape(metrics, Self.sources(failing: true, gauges: .init(inFlight: 1, failingDestinations: 0)))
        #expect(down.value("concertd_store_up") == 0)
        #expect(down.value("concertd_sends_in_flight") == 1)
        #expect(down.value("concertd_deliveries_total", ["kind": "test"]) == 1)
        #expect(down.value("concertd_outbox_depth") == 3)
        let up = scrape(metrics, Self.sources(counters: ["delivery.scheduled": 1]))
        #expect(up.value("concertd_store_up") == 1)
        #expect(up.value("concertd_outbox_depth") == 1)
    }

    @Test func twoDaemonsInOneProcessCountApart() {
        let one = metrics()
        let two = metrics()
        _ = scrape(one, Self.sources(counters: ["finished.sent.reminder.email": 1]))
        #expect(scrape(one).value("concertd_deliveries_total", ["channel": "email"]) == 1)
        #expect(scrape(two).value("concertd_deliveries_total", ["channel": "email"]) == nil)
    }
}
