import ArgumentParser

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(
        name: .long, help: "The daemon's control socket (default: $CONCERTD_SOCKET, else the daemon's default path).",
        completion: .file())
    var socket: String?

    @Flag(name: .long, help: "Print the daemon's answer as one JSON document instead of text.")
    var json = false

    @Option(name: .long, parsing: .unconditional, help: "Seconds to wait for the daemon's reply.")
    var timeout: Double = 60

    func validate() throws {
        guard timeout > 0, timeout <= 3600 else {
            throw ValidationError("--timeout must be between 0 and 3600 seconds")
        }
        if let socket, socket.isEmpty { throw ValidationError("--socket is empty") }
    }
}
