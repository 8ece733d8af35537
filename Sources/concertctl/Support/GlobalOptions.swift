import ArgumentParser
import ConcertProtocol

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    // `.unconditional` here and on every option that takes a value: a value beginning with `-`
    // (`-1`, `-1d`) is the option's value to check and name, not another option ("Missing value").
    @Option(
        name: .long, parsing: .unconditional,
        help: "The daemon's control socket (default: $CONCERTD_SOCKET, else the daemon's default path).",
        completion: .file())
    var socket: String?

    @Flag(name: .long, help: "Print the daemon's answer as one JSON document instead of text.")
    var json = false

    // Optional, with the default applied in `timeout`: ArgumentParser would show an initial value
    // again after the help's own "(default 60)", as "(default: 60.0)".
    @Option(
        name: .customLong("timeout"), parsing: .unconditional,
        help: """
            Seconds to wait for the daemon's reply, from 0.1 to 3600 (default 60). Long work (an import's \
            commit, a backup) waits as long as the daemon keeps answering within this time.
            """)
    var timeoutOption: Double?

    /// `--timeout`, or its default.
    var timeout: Double { timeoutOption ?? Self.defaultTimeout }

    static let defaultTimeout: Double = 60

    /// The range of `--timeout`: no `0` for "wait forever", which would hide a daemon that hangs.
    static let timeoutRange: ClosedRange<Double> = 0.1...3600

    func validate() throws {
        guard Self.timeoutRange.contains(timeout) else {
            throw ValidationError("--timeout must be a number of seconds from 0.1 to 3600")
        }
        if let socket, socket.isEmpty { throw ValidationError("--socket is empty") }
    }
}

extension GlobalOptions {
    /// Sends one request to the daemon these options name and returns its reply; a request
    /// larger than the daemon reads ends the command (64). Warns when the daemon speaks another
    /// protocol version. Throws ``ControlClientError`` when no reply comes.
    func exchange<Params, Result>(
        _ method: ControlMethod<Params, Result>, _ params: Params, in context: CommandContext, timeout: Double?,
        stop: StopFlag? = nil
    ) async throws -> ControlReply {
        let location = SocketLocation.resolve(flag: socket, context: context)
        let line = try ControlRequest.encodedLine(id: .number(1), method: method, params: params)
        let size = line.count
        guard size <= ControlLineFramer.maximumLineLength else {
            context.output.error(
                "the request is \(size) bytes; the daemon reads at most \(ControlLineFramer.maximumLineLength) per request: split the input"
            )
            throw ExitCode(64)
        }
        let reply = try await ControlClient(socketPath: location.path, timeout: timeout, stop: stop).send(line: line)
        if let version = reply.protocolVersion, version != ProtocolVersion.current {
            context.output.warning(
                "concertd speaks protocol \(version), this concertctl speaks \(ProtocolVersion.current); upgrade the older one"
            )
        }
        return reply
    }
}
