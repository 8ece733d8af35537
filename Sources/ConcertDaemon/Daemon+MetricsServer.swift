import ConcertCore
import ConcertMetrics
import Foundation

extension Daemon {
    /// Starts the `metrics_listen` listener, when one is configured, and logs where it listens.
    /// An address that cannot be bound refuses the start: temporarily when it is in use, for good
    /// when it is not this machine's or needs privileges.
    func startMetricsServer() throws(StartupError) {
        guard let address = resolved.configuration.metricsListen, let metrics else { return }
        let liveness = self.liveness
        let endpoints = MetricsEndpoints(
            metrics: metrics, sources: MetricsSources(store: database, scheduler: scheduler),
            liveness: { liveness.run() })
        let server: MetricsServer
        do {
            server = try MetricsServer.start(address: address, endpoints: endpoints, logger: logger)
        } catch {
            throw StartupError(error.isTemporary ? .temporarilyUnavailable : .configuration, error.description)
        }
        setMetricsServer(server)
        // The address only: the log's redactor masks the paths of URLs (webhook secrets live there).
        logger.info("metrics listener started", metadata: ["metrics.address": "\(server.boundAddress)"])
    }

    /// Stops the metrics listener, if one runs, waiting up to `timeout` for requests being answered.
    func stopMetricsServer(timeout: Duration = .seconds(1)) {
        takeMetricsServer()?.stop(timeout: timeout)
    }
}
