import ArgumentParser

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(
        name: .long, help: "The daemon's control socket (default: $CONCERTD_SOCKET, else the daemon's default path).",
        completion: .file())
    var socket: String?

    @Flag(name: .long, help: "Print the daemon's answer as one JSON document instead of text.")
    var json = false

    // `.unconditional`: `--timeout -1` is a wrong value to name, not a missing one.
    @Option(
        name: .long, parsing: .unconditional,
        help: """
            Seconds to wait for the daemon's reply, from 0.1 to 3600 (default 60). Long work (an import's \
            commit, a backup) waits as long as the daemon keeps answering within this time.
            """)
    var timeout: Double = 60

    /// The range of `--timeout`: no `0` for "wait forever", which would hide a daemon that hangs.
    static let timeoutRange: ClosedRange<Double> = 0.1...3600

    func validate() throws {
        guard Self.timeoutRange.contains(timeout) else {
            throw ValidationError("--timeout must be a number of seconds from 0.1 to 3600")
        }
        if let socket, socket.isEmpty { throw ValidationError("--socket is empty") }
    }
}
