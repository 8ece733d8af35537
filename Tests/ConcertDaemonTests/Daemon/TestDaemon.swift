import ConcertCore
import Foundation
import Logging

@testable import ConcertDaemon

/// A whole daemon in this process: a temporary state folder and short socket path, the shipped
/// catalog, a shifted clock, and no file of the machine's (`/etc/concertd` is never read).
final class TestDaemon: @unchecked Sendable {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let catalogPath = repositoryRoot.appendingPathComponent("etc/concertd/concerts.json5").path

    let socket = TemporarySocket()
    let directory: String
    var daemon: Daemon!
    var socketPath: String { socket.path }
    var stateDirectory: String { directory + "/state" }
    /// The daemon's store as what it is: the SQLite database, for tests that reach under the interface.
    var sqlite: AppDatabase {
        guard let database = daemon.database as? AppDatabase else { fatalError("the daemon's store is SQLite") }
        return database
    }

    /// - Parameters:
    ///   - clockStart: the shifted clock's start (Korea time unless an offset is given).
    ///   - config: the text of a configuration file, if any.
    ///   - environment: more environment, such as `NOTIFY_SOCKET`.
    ///   - emailOverrides: whether email is turned on from the command line; `false` leaves
    ///     `smtp_url` and `mail_from` to `config`, so a reload can change them.
    ///   - logger: where the daemon logs; nothing is kept unless a test captures it.
    init(
        clockStart: String = "2019-10-20T00:00", clockRate: String? = nil, config: String? = nil,
        catalog: String? = nil, environment: [String: String] = [:], stateDirectory: String? = nil,
        emailOverrides: Bool = true, logSettings: LogSettings = LogSettings(), logger: Logger = .quiet
    ) throws {
        directory = socket.directory
        var options = Self.options(
            directory: directory, socketPath: socket.path, clockStart: clockStart, clockRate: clockRate,
            config: config, catalog: catalog, environment: environment, stateDirectory: stateDirectory)
        if !emailOverrides {
            options.overrides.smtpURL = nil
            options.overrides.mailFrom = nil
        }
        daemon = try Daemon.start(options, logSettings: logSettings, logger: logger)
    }

    static func options(
        directory: String, socketPath: String, clockStart: String?, clockRate: String? = nil, config: String?,
        catalog: String?, environment: [String: String], stateDirectory: String? = nil
    ) -> Daemon.Options {
        var configFile: String?
        if let config {
            configFile = directory + "/concertd.conf"
            FileManager.default.createFile(atPath: configFile!, contents: Data(config.utf8))
        }
        let env = ["HOME": directory, "CONFIGURATION_DIRECTORY": directory + "/etc"].merging(environment) { $1 }
        return Daemon.Options(
            configFile: configFile,
            overrides: ConfigurationOverrides(
                stateDirectory: stateDirectory ?? directory + "/state", socketPath: socketPath,
                catalog: catalog ?? catalogPath,
                // Email is on (nothing listens there: the tests that send use webhooks or their own server).
                smtpURL: "smtp://127.0.0.1:9", mailFrom: "alerts@concertd.example.org",
                clockStart: clockStart, clockRate: clockRate),
            environment: env)
    }

    func stop() {
        daemon?.stop()
    }

    func remove() {
        stop()
        socket.remove()
    }
}

extension Logger {
    /// Drops everything: expected warnings and errors would only clutter the test output.
    static let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
}
