import ConcertCore
import HTTPTypes
import HummingbirdCore
import NIOCore
import NIOPosix

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

    /// An answer: its status, its headers and its whole body.
    struct Answer: Sendable {
        var status: HTTPResponse.Status
        var headers: HTTPFields
        var body: ByteBuffer
    }

    /// Answers one request on HummingbirdCore's HTTP/1.1 channel, with its length.
    func respond(to request: Request, writer: consuming ResponseWriter, pool: NIOThreadPool) async throws {
        let answer = await answer(to: request, pool: pool)
        var headers = answer.headers
        headers[.contentLength] = String(answer.body.readableBytes)
        var body = try await writer.writeHead(HTTPResponse(status: answer.status, headerFields: headers))
        try await body.write(answer.body)
        try await body.finish(nil)
    }

    /// The answer to one request.
    func answer(to request: Request, pool: NIOThreadPool) async -> Answer {
        let path = request.uri.path
        let counted: String
        let answer: Answer
        switch path {
        case "/metrics", "/healthz":
            counted = path
            if request.method != .get {
                answer = Self.text(.methodNotAllowed, "only GET is allowed here\n", extra: [.allow: "GET"])
            } else if path == "/metrics" {
                let body = await Self.offServerThreads(on: pool) { [metrics, sources] in metrics.scrape(sources) }
                answer = Answer(
                    status: .ok, headers: [.contentType: Self.metricsContentType], body: ByteBuffer(bytes: body))
            } else {
                let report = await Self.offServerThreads(on: pool, liveness)
                answer =
                    report.isAlive
                    ? Self.text(.ok, "ok\n")
                    : Self.text(.serviceUnavailable, report.problems.joined(separator: "\n") + "\n")
            }
        default:
            counted = "other"
            answer = Self.text(.notFound, "not found: this listener serves /metrics and /healthz\n")
        }
        metrics.countHTTPRequest(path: counted, code: answer.status.code)
        return answer
    }

    private static func text(_ status: HTTPResponse.Status, _ body: String, extra: HTTPFields = [:]) -> Answer {
        var headers: HTTPFields = [.contentType: "text/plain; charset=utf-8"]
        headers.append(contentsOf: extra)
        return Answer(status: status, headers: headers, body: ByteBuffer(string: body))
    }

    /// Runs blocking work (a store read, the liveness check) on `pool`'s threads of its own, so that
    /// the server's event loop and Swift's cooperative threads never wait on SQLite, and a burst of
    /// waiting requests cannot take the Dispatch workers that the scheduler's no-op and the store's
    /// reads need to answer them.
    private static func offServerThreads<T: Sendable>(
        on pool: NIOThreadPool, _ work: @escaping @Sendable () -> T
    ) async -> T {
        do {
            return try await pool.runIfActive(work)
        } catch {
            // The pool is shut down only once the server has stopped answering.
            return work()
        }
    }
}
