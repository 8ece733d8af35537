import ArgumentParser
import ConcertProtocol
import ConcertShared
import Foundation

/// A concertctl command that asks the daemon something: the shared options and the one entry
/// point tests call with their own ``CommandContext``.
protocol ControlCommand: AsyncParsableCommand {
    var global: GlobalOptions { get }
    func run(in context: CommandContext) async throws
}

extension ControlCommand {
    mutating func run() async throws {
        try await run(in: .process())
    }

    /// Sends one request and returns the typed result, or ends the command with the right exit
    /// code: 69 when the daemon cannot be reached (saying where it looked and how to start it),
    /// 1 when it refused (its message on standard error), 64 when the request is larger than the
    /// daemon reads (a big `subscribe --from` file).
    func call<Params, Result>(
        _ method: ControlMethod<Params, Result>, _ params: Params, in context: CommandContext
    ) async throws -> (result: Result, raw: JSONValue) {
        switch try await request(method, params, in: context) {
        case .success(let answer):
            return answer
        case .failure(let error):
            context.output.error("\(error.message) [\(error.code.name)]")
            throw ExitCode.failure
        }
    }

    /// As ``call(_:_:in:)``, but a refusal is returned for the caller to handle; `timeout` (by
    /// default `--timeout`) and `stop` as ``ControlClient`` has them.
    func request<Params, Result>(
        _ method: ControlMethod<Params, Result>, _ params: Params, in context: CommandContext,
        timeout: Double?? = nil, stop: StopFlag? = nil
    ) async throws -> Swift.Result<(result: Result, raw: JSONValue), ControlError> {
        let location = SocketLocation.resolve(flag: global.socket, context: context)
        let reply: ControlReply
        do {
            reply = try await exchange(method, params, in: context, timeout: timeout ?? global.timeout, stop: stop)
        } catch let error as ControlClientError {
            context.output.error(Self.unreachableMessage(error, location: location))
            throw ExitCode(69)
        }
        switch reply.outcome {
        case .failure(let error):
            return .failure(error)
        case .success(let raw):
            do {
                return .success((try reply.decodeResult(as: Result.self), raw))
            } catch {
                context.output.error("\(error.message)")
                throw ExitCode.failure
            }
        }
    }

    /// Sends one request and returns the daemon's reply (see ``GlobalOptions/exchange``).
    func exchange<Params, Result>(
        _ method: ControlMethod<Params, Result>, _ params: Params, in context: CommandContext, timeout: Double?,
        stop: StopFlag? = nil
    ) async throws -> ControlReply {
        try await global.exchange(method, params, in: context, timeout: timeout, stop: stop)
    }

    /// Prints `raw` as one JSON document when `--json` was given, else runs `human`.
    func emit(_ raw: JSONValue, in context: CommandContext, human: () -> Void) {
        guard global.json else {
            human()
            return
        }
        let data = (try? JSONCoding.prettyEncoder().encode(raw)) ?? Data("null".utf8)
        context.output.document(String(decoding: data, as: UTF8.self))
    }

    static func unreachableMessage(_ error: ControlClientError, location: SocketLocation) -> HumanText {
        switch error {
        case .unreachable(let reason, permission: true):
            return """
                cannot connect to concertd at \(location.path) (\(location.origin)): \(reason)
                The socket is open to root, the daemon's user and its control group; run concertctl as one of them.
                """
        case .unreachable(let reason, permission: false):
            return """
                cannot reach concertd at \(location.path) (\(location.origin)): \(reason)
                Is the daemon running? Start it with `systemctl start concertd`, or `make run` in a source checkout; \
                use --socket or CONCERTD_SOCKET if it listens elsewhere.
                """
        case .noReply(let reason):
            return "no reply from concertd at \(location.path): \(reason)"
        }
    }
}
