import ArgumentParser
import ConcertCore
import Dispatch
import Foundation
import Logging

@main
struct ConcertDaemon: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "concertd",
        abstract: "Sends reminders of the 2019 Smart City citizen talk concerts by email and chat webhook.",
        version: "concertd 0.1.0"
    )

    @Option(help: "State directory holding the SQLite database (default: $STATE_DIRECTORY, else $XDG_STATE_HOME/concertd).")
    var stateDir: String?

    @Option(help: "The concert catalog file (default: /etc/concertd/concerts.json5).")
    var catalog: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    func run() throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = logLevel
            return handler
        }
        let logger = Logger(label: "concertd")
        let defaults = DefaultPaths()
        let stateDirectory = stateDir ?? defaults.stateDirectory
        let catalogPath = catalog ?? defaults.catalogPath
        let databasePath = (stateDirectory as NSString).appendingPathComponent("concertd.sqlite3")

        let catalog: Catalog
        let database: AppDatabase
        do {
            catalog = try CatalogLoader().load(path: catalogPath)
            database = try AppDatabase.open(path: databasePath)
        } catch {
            logger.critical("refusing to start: \(error)")
            throw ExitCode(78)  // EX_CONFIG
        }
        let changes = try database.importCatalog(catalog, now: Date())
        let schema = try database.schemaVersion()
        logger.info(
            "database open",
            metadata: [
                "path": "\(databasePath)", "schema": "\(schema)",
                "catalog": "\(catalogPath)", "concerts": "\(catalog.concerts.count)",
                "added": "\(changes.added.count)", "revised": "\(changes.revised.count)",
                "cancelled": "\(changes.cancelled.count)",
            ])

        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let queue = DispatchQueue(label: "concertd.signals")
        let sources = [SIGINT, SIGTERM].map { number in
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler {
                logger.info("signal received, exiting", metadata: ["signal": "\(number)"])
                Foundation.exit(0)
            }
            source.resume()
            return source
        }
        withExtendedLifetime(sources) { dispatchMain() }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
