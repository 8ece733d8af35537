import ConcertCore
import Dispatch
import Hummingbird

/// What the metrics listener answers: `GET /metrics` (a scrape of `metrics` from `sources`),
/// `GET /healthz` (200 `ok` when `liveness` finds the scheduler and the store answering, 503 with
/// the problems when not), 404 for any other path and 405 for any other method on these two.
/// Every request is counted in `concertd_http_requests_total{path,code}`.
public struct MetricsEndpoints: Sendable {
    public var metrics: DaemonMetrics
    public var sources: MetricsSources
    /// The daemon's liveness check, the one the systemd watchdog uses. It may block for a few
    /// seconds, so it runs off the server's threads.
    public var liveness: @Sendable () -> LivenessReport

    public init(metrics: DaemonMetrics, sources: MetricsSources, liveness: @escaping @Sendable () -> LivenessReport) {
        self.metrics = metrics
        self.sources = sources
        self.liveness = liveness
    }

    /// The exposition format's media type, version 0.0.4.
    static let metricsContentType = "text/plain; version=0.0.4; charset=utf-8"

    func responder() -> CallbackResponder<BasicRequestContext> {
        CallbackResponder { request, _ in await respond(to: request) }
    }

    /// The answer to one request.
    func respond(to request: Request) async -> Response {
        let path = request.uri.path
        let counted: String
        let response: Response
        switch path {
        case "/metrics", "/healthz":
            counted = path
            if request.method != .get {
                response = Self.text(.methodNotAllowed, "only GET is allowed here\n", extra: [.allow: "GET"])
            } else if path == "/metrics" {
                let body = await Self.offServerThreads { [metrics, sources] in metrics.scrape(sources) }
                response = Response(
                    status: .ok, headers: [.contentType: Self.metricsContentType],
                    body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
            } else {
                let report = await Self.offServerThreads(liveness)
                response =
                    report.isAlive
                    ? Self.text(.ok, "ok\n")
                    : Self.text(.serviceUnavailable, report.problems.joined(separator: "\n") + "\n")
            }
        default:
            counted = "other"
            response = Self.text(.notFound, "not found: this listener serves /metrics and /healthz\n")
        }
        metrics.countHTTPRequest(path: counted, code: response.status.code)
        return response
    }

    private static func text(_ status: HTTPResponse.Status, _ body: String, extra: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [.contentType: "text/plain; charset=utf-8"]
        headers.append(contentsOf: extra)
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }

    /// Runs blocking work (a store read, the liveness check) on a Dispatch thread, so that the
    /// server's event loop and Swift's cooperative threads never wait on SQLite.
    private static func offServerThreads<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: work()) }
        }
    }
}
