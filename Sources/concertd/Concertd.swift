import ArgumentParser
import ConcertCore
import ConcertDaemon
import ConcertPostgres
import ConcertShared
import Foundation
import Logging

@main
struct Concertd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "concertd",
        abstract: "Sends reminders of the 2019 Smart City citizen talk concerts by email and chat webhook.",
        discussion: """
            Flags override the configuration file, which overrides built-in defaults. Without flags, the \
            database goes to $STATE_DIRECTORY (systemd) or $XDG_STATE_HOME/concertd, the control socket to \
            $RUNTIME_DIRECTORY or $XDG_RUNTIME_DIR/concertd.

            One daemon per database: before opening it, concertd locks concertd.sqlite3.lock beside the \
            database and writes its pid there, and locks the database file itself; a second concertd on the \
            same database, by any path or hard link, exits 75 naming that pid.

            Files: /etc/concertd/concertd.conf (every option, commented out, with its default), \
            /etc/concertd/concerts.json5 (the catalog), /etc/concertd/templates/ (message templates), \
            /var/lib/concertd/concertd.sqlite3 (the database) with concertd.sqlite3.lock beside it, \
            /run/concertd/control.sock (the control socket of concertctl).

            \(ExitStatus.summary)

            See also: concertctl(1), systemctl(1), journalctl(1); docs/service.md of the source for the unit.
            """,
        version: "concertd \(ConcertDaemonInfo.version)",
        subcommands: [Run.self, CheckConfig.self, MigrateStore.self],
        defaultSubcommand: Run.self
    )

    /// A usage error is printed here rather than by ArgumentParser's own `main`, so that what
    /// it quotes from the command line is escaped as every other message of concertd is
    /// (``TerminalEscaping``): `--bogus<ESC>]0;X<BEL>` cannot retitle the terminal. Help and
    /// version (exit 0) go to standard output as they are.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { FileHandle.standardOutput.write(Data((message + "\n").utf8)) }
            } else if !message.isEmpty {
                let escaped = TerminalEscaping.escaped(message, keepingNewlines: true)
                FileHandle.standardError.write(Data((escaped + "\n").utf8))
            }
            Foundation.exit(code.rawValue)
        }
    }
}

/// The flags of the daemon, shared by `run` and `check-config`.
struct DaemonFlags: ParsableArguments {
    @Option(help: "Configuration file (default: /etc/concertd/concertd.conf when it exists).")
    var config: String?

    @Option(
        help: """
            State directory: the SQLite database and its lock; with database_url (PostgreSQL), only the \
            staged lines of a large concertctl subscribe --from import, and a start still creates it.
            """)
    var stateDir: String?

    @Option(help: "Path of the control socket.")
    var socket: String?

    @Option(help: "The concert catalog file.")
    var catalog: String?

    @Option(help: "SMTP smarthost: smtp://[user@]host[:port] or smtps://…; the password comes from the configuration.")
    var smtp: String?

    @Option(help: "Sender address of reminder emails.")
    var mailFrom: String?

    // `.unconditional`: the value is taken even when it starts with '-' (`--clock-rate -1`), so a
    // negative number meets the flag's own range check instead of "Missing value".
    @Option(
        parsing: .unconditional,
        help:
            "Start the scheduler's clock at this moment, 2000 to 2099 (ISO 8601, e.g. 2019-10-21T00:00+09:00). Testing only. Instances sharing a PostgreSQL database run on the clock of the first one started and must be given the same --clock-start and --clock-rate (other flags are refused at start)."
    )
    var clockStart: String?

    @Option(
        parsing: .unconditional,
        help:
            "Run the scheduler's clock this many times faster than real time, more than 0 and at most 1000000. Testing only."
    )
    var clockRate: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String?

    @Option(help: "Serve /metrics (Prometheus) and /healthz over HTTP at HOST:PORT, e.g. 127.0.0.1:9464.")
    var metricsListen: String?

    @Option(help: "Serve the web front door (subscribe, manage, one-click unsubscribe) over HTTP at HOST:PORT.")
    var webListen: String?

    @Option(
        help:
            "A PostgreSQL server shared by several instances: postgresql://[user@]host[:port]/dbname; the password comes from the configuration."
    )
    var databaseURL: String?

    var overrides: ConfigurationOverrides {
        ConfigurationOverrides(
            stateDirectory: stateDir, socketPath: socket, catalog: catalog, smtpURL: smtp, mailFrom: mailFrom,
            clockStart: clockStart, clockRate: clockRate, logLevel: logLevel, metricsListen: metricsListen,
            webListen: webListen, databaseURL: databaseURL)
    }
}

extension Concertd {
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run the daemon in the foreground (the default).")

        @OptionGroup var flags: DaemonFlags

        func run() throws {
            // First: with too few descriptors Dispatch traps (SIGILL) instead of failing.
            do {
                try Daemon.checkDescriptorLimit()
            } catch {
                throw refusal(error)
            }
            let settings = LogSettings()
            LoggingSystem.bootstrap { label in DaemonLogHandler(label: label, settings: settings) }
            let logger = Logger(label: "concertd")
            // What a PostgreSQL server says outside a reply goes to the journal, not bare to stderr.
            PostgresNotices.setHandler { notice in
                logger.log(
                    level: notice.severity == "WARNING" ? .warning : .debug,
                    "the PostgreSQL server said: \(notice.message)",
                    metadata: ["severity": "\(notice.severity)", "sqlstate": "\(notice.sqlState ?? "-")"])
            }
            let signals = SignalHandling(logger: logger)
            let daemon: Daemon
            do {
                daemon = try Daemon.start(
                    Daemon.Options(configFile: flags.config, overrides: flags.overrides), logSettings: settings,
                    logger: logger)
            } catch {
                throw refusal(error)
            }
            signals.attach(daemon)
            withExtendedLifetime(signals) { dispatchMain() }
        }

        /// Writes why the daemon cannot start to standard error; the exit code says whether to retry.
        private func refusal(_ error: Daemon.StartupError) -> ExitCode {
            let status = ExitStatus(error)
            FileHandle.standardError.write(Data("concertd: \(status.headline):\n\(error.description)\n".utf8))
            return ExitCode(status.rawValue)
        }
    }

    struct CheckConfig: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check-config",
            abstract:
                "Check the configuration, the catalog and the message templates with the daemon's own loaders; list every problem.",
            discussion: """
                The catalog and the templates are checked even when the configuration has problems, at the paths \
                it gives (the default for a key with a problem). A broken template fails the check, though the \
                daemon would start and use its built-in text. Exits 78 when anything is wrong.
                """)

        @Argument(help: "Configuration file to check (default: as the daemon would find it).")
        var file: String?

        @OptionGroup var flags: DaemonFlags

        func run() throws {
            let check = ConfigurationCheck(configFile: file ?? flags.config, overrides: flags.overrides)
            for line in check.report { print(line) }
            let problems = check.problems
            guard problems.isEmpty else {
                for problem in problems {
                    FileHandle.standardError.write(Data("\(problem)\n".utf8))
                }
                FileHandle.standardError.write(Data("\(problems.count) problem(s) found\n".utf8))
                throw ExitCode(78)
            }
        }
    }
}
