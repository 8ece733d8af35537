import ArgumentParser
import ConcertProtocol
import Foundation

/// `concertctl`: manage a running concertd over its control socket.
@main
struct ConcertCtl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "concertctl",
        abstract: "Control a running concertd over its Unix domain socket.",
        discussion: """
            concertctl talks to the daemon's control socket: --socket PATH, else $CONCERTD_SOCKET, else \
            /run/concertd/control.sock when it exists, else $XDG_RUNTIME_DIR/concertd/control.sock, else \
            /tmp/concertd-<uid>/control.sock. --json prints the daemon's answer as one JSON document; the names \
            are documented in docs/control-protocol.md.

            Exit status: 0 success, 1 the daemon refused (its message on standard error), 64 usage error, \
            66 an input file cannot be read, 69 the daemon could not be reached, 73 an output file cannot be \
            created, 74 an output file cannot be written.
            """,
        version: "concertctl 0.1.0 (protocol \(ProtocolVersion.current))",
        subcommands: [
            Status.self, Cities.self, Concerts.self, Concert.self, Subscribe.self, Subscriptions.self,
            Unsubscribe.self, Pause.self, Resume.self, Upcoming.self, Deliveries.self, Retry.self, Test.self,
            Preview.self, Reload.self, Backup.self,
        ]
    )

    /// Parses the command line with the global options allowed before the subcommand as well,
    /// runs the command, and ends the process with its exit status.
    ///
    /// A usage error is printed here rather than by ArgumentParser's own `main`, so that the
    /// values it quotes from the command line are escaped as every other output is; help,
    /// version and completion scripts (exit 0) go to standard output as they are.
    static func main() async {
        do {
            var command = try parseCommandLine(Array(CommandLine.arguments.dropFirst()))
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { FileHandle.standardOutput.write(Data((message + "\n").utf8)) }
            } else if !message.isEmpty {
                OutputWriter.terminal.note(.lines(message))
            }
            Foundation.exit(code.rawValue)
        }
    }
}
