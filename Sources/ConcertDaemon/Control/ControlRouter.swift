import ConcertProtocol
import ConcertShared
import Logging

/// A ``ControlHandler`` built from one typed closure per method.
///
/// It answers a method nobody registered with `method_not_found`, parameters that do not decode
/// with `invalid_params` (naming the field), a thrown ``ControlError`` with that error, and any
/// other thrown error with `internal_error`, logging the error but not sending it: it may carry
/// details (paths, SQL) that are none of the client's business. Such errors are logged as they
/// describe themselves, so they must not carry secrets either.
///
/// ```swift
/// var router = ControlRouter(logger: logger)
/// router.register(ControlMethods.pause) { params, peer in try await store.pause(params.id) }
/// ```
public struct ControlRouter: ControlHandler {
    private typealias Route = @Sendable (ControlRequest, PeerCredentials) async throws -> JSONValue
    private var routes: [String: Route] = [:]
    private let logger: Logger
    /// Told of every request answered: the method (`unknown` for one nobody registered, so the
    /// names stay a fixed set) and the outcome (`ok` or the error's name), for metrics.
    public var onAnswered: (@Sendable (_ method: String, _ outcome: String) -> Void)?

    public init(logger: Logger) {
        self.logger = logger
    }

    /// Routes `method` to `body`; a later registration of the same method replaces this one.
    public mutating func register<Params, Result>(
        _ method: ControlMethod<Params, Result>,
        _ body: @escaping @Sendable (Params, PeerCredentials) async throws -> Result
    ) {
        routes[method.name] = { request, peer in
            let params = try request.decodeParams(for: method)
            return try JSONCoding.value(of: try await body(params, peer))
        }
    }

    public func handle(_ request: ControlRequest, peer: PeerCredentials) async -> ControlReply {
        let reply = await answer(request, peer: peer)
        if let onAnswered {
            let method = routes[request.method] == nil ? "unknown" : request.method
            onAnswered(method, reply.error?.code.name ?? "ok")
        }
        return reply
    }

    private func answer(_ request: ControlRequest, peer: PeerCredentials) async -> ControlReply {
        let id = request.id ?? .null
        guard let route = routes[request.method] else {
            return .failure(id: id, error: .methodNotFound(request.method))
        }
        do {
            return ControlReply(id: id, outcome: .success(try await route(request, peer)))
        } catch let error as ControlError {
            return .failure(id: id, error: error)
        } catch {
            logger.error(
                "control request failed", metadata: ["control.method": "\(request.method)", "error": "\(error)"])
            return .failure(id: id, error: .internalError())
        }
    }
}
