import ArgumentParser
import ConcertCore
import ConcertDaemon
import ConcertPostgres
import ConcertShared
import Foundation

extension Concertd {
    struct MigrateStore: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "migrate-store",
            abstract: "Copy a stopped daemon's SQLite store into an empty PostgreSQL database.",
            discussion: """
                Copies every table of the store (concerts, the catalog's state, subscriptions with their secrets, \
                the web front door's requests, keys, rate counts and undo records, the outbox with its attempts, \
                and the counters) in one transaction, with COPY, keeping ids, idempotency keys and states: no \
                reminder is sent twice or lost by the move. The target is first migrated to the schema of this \
                concertd; after the copy the rows of each table are counted on both sides and printed.

                Refuses a SQLite file a running concertd holds (stop it first: the copy takes the daemon's own \
                lock, so no daemon starts on the file during it), a file whose schema is older or newer than this \
                concertd's (start this concertd once on it, then stop it), and a target with any row in the \
                store's tables. A message the stopped daemon was sending is carried with an expired lease: the \
                first instance to start sends it again, with the same idempotency key.

                After the copy the SQLite file is marked as moved (a table store_moved naming the database's \
                host, port and name and the time; its rows stay as they were, for a rollback): a daemon and \
                check-config refuse the file with exit 78, and migrate-store refuses to copy it again. \
                --undo-mark FILE takes the mark off, so that a daemon may run on the file again (stop the \
                instances on PostgreSQL first: what they sent or changed since is not in the file).

                The password comes from one of --database-password-file, --database-password-env, \
                --database-password-credential, or the systemd credential database-password, as the daemon's \
                database_password_* keys; never from the URL.

                Exit status: 0 copied (or the mark taken off), 64 usage error, 65 refused (the target holds data, \
                the file's schema is not this concertd's, the file was already moved, the counts differ), 74 copied \
                but the file could not be marked (move it out of the state folder), 75 try later (a concertd holds \
                the file, the server cannot be reached), 78 the URL or the password source is wrong, or the server \
                refuses the login, or the role may not create the store's tables (grant it CREATE on the schema, or \
                make it the database's owner).
                """)

        @Option(
            help: ArgumentHelp("The SQLite database to copy (the daemon's concertd.sqlite3).", valueName: "sqlite-file")
        )
        var from: String?

        @Option(
            help: ArgumentHelp(
                "The PostgreSQL database to copy into: postgresql://[user@]host[:port]/dbname[?sslmode=…].",
                valueName: "url"))
        var to: String?

        @Option(
            help: ArgumentHelp(
                "Take the mark of a move off this SQLite file, so that a daemon may run on it again (instead of --from and --to).",
                valueName: "sqlite-file"))
        var undoMark: String?

        @Option(
            help: ArgumentHelp("A file holding the database password (as database_password_file).", valueName: "file"))
        var databasePasswordFile: String?

        @Option(
            help: ArgumentHelp(
                "An environment variable holding the database password (as database_password_env).", valueName: "name"))
        var databasePasswordEnv: String?

        @Option(
            help: ArgumentHelp(
                "A systemd credential holding the database password (as database_password_credential).",
                valueName: "name"))
        var databasePasswordCredential: String?

        func validate() throws {
            if undoMark != nil {
                guard from == nil, to == nil else {
                    throw ValidationError("--undo-mark takes the mark off a file: give it without --from and --to")
                }
            } else {
                guard from != nil, to != nil else {
                    throw ValidationError("give the SQLite file with --from and the database with --to")
                }
            }
        }

        func run() throws {
            if let undoMark {
                try takeOffMark(undoMark)
                return
            }
            guard let from, let to else { return }
            let configuration: DaemonConfiguration
            do {
                configuration = try DaemonConfiguration.database(
                    url: to, urlFlag: "--to", passwordFile: databasePasswordFile, passwordEnv: databasePasswordEnv,
                    passwordCredential: databasePasswordCredential,
                    environment: ProcessInfo.processInfo.environment)
            } catch {
                throw fail(error.problems.map(\.description).joined(separator: "\n"), status: 78)
            }
            guard let settings = PostgresStore.settings(for: configuration) else {
                throw fail("--to names no database", status: 78)
            }
            guard FileManager.default.fileExists(atPath: from) else {
                throw fail("there is no database at \(from)", status: 65)
            }
            // The daemon's own lock, held until the copy ends.
            let lock: DatabaseLock
            do {
                lock = try DatabaseLock.acquire(databasePath: from, for: .migrateStore)
            } catch {
                throw fail(error.description, status: error.isTemporary ? 75 : 78)
            }
            defer { lock.release() }
            let report: StoreMigration.Report
            do {
                report = try StoreMigration.copy(fromSQLite: from, to: settings)
            } catch let error as StoreCreationRefused {
                // A privilege to grant needs a person, as a refused login does.
                throw fail("\(error)", status: 78)
            } catch {
                var text = SecretRedactor(configuration: configuration).redact("\(error)")
                let place = "postgresql://\(settings.url.serverDescription)"
                if error is PostgresError && !text.contains(place) { text = "\(place): \(text)" }
                // A login the server refuses needs a person, as a wrong URL does.
                let refused = (error as? PostgresError)?.kind == .loginRefused
                throw fail(text, status: refused ? 78 : StoreError.isTemporaryFailure(error) ? 75 : 65)
            }
            let destination = settings.url.serverDescription
            let width = report.tables.map(\.table.count).max() ?? 0
            print(
                "copied \(from) into postgresql://\(destination) (schema \(report.schemaVersion)), rows per table, "
                    + "equal on both sides:")
            for count in report.tables {
                print("  " + count.table.padding(toLength: width, withPad: " ", startingAt: 0) + "  \(count.rows)")
            }
            if report.interruptedSends > 0 {
                print(
                    "\(report.interruptedSends) message(s) were being sent when the daemon stopped: the first instance "
                        + "to start sends them again, with the same idempotency key")
            }
            // Still under the lock: no daemon starts on the file between the copy and its mark.
            do {
                try AppDatabase.markMoved(path: from, to: destination, at: Date())
            } catch {
                throw fail(
                    "the store was copied, but \(from) could not be marked as moved (\(error)): move it out of the "
                        + "state folder, or a daemon started on it would send its reminders a second time",
                    status: 74)
            }
            print(
                "marked \(from) as moved: a daemon or check-config refuses it; to use it again instead, "
                    + "concertd migrate-store --undo-mark \(from)")
        }

        /// Takes the mark of a move off `path`, under the daemon's lock (a file a daemon holds is
        /// refused: it carries no mark, or the daemon would not have started on it).
        private func takeOffMark(_ path: String) throws {
            guard FileManager.default.fileExists(atPath: path) else {
                throw fail("there is no database at \(path)", status: 65)
            }
            let lock: DatabaseLock
            do {
                lock = try DatabaseLock.acquire(databasePath: path, for: .migrateStore)
            } catch {
                throw fail(error.description, status: error.isTemporary ? 75 : 78)
            }
            defer { lock.release() }
            let mark: StoreMoved?
            do {
                mark = try AppDatabase.unmarkMoved(path: path)
            } catch {
                throw fail(
                    "cannot take the mark off \(path): \(error)", status: StoreError.isTemporaryFailure(error) ? 75 : 65
                )
            }
            guard let mark else {
                print("\(path) carries no mark of a move: left as it is")
                return
            }
            print(
                "took the mark off \(path) (moved to postgresql://\(mark.destination) at "
                    + "\(mark.movedAt.formatted(.iso8601))): a daemon started on it sends its reminders again, so "
                    + "stop the instances on that database first")
        }

        private func fail(_ message: String, status: Int32) -> ExitCode {
            let escaped = TerminalEscaping.escaped(message, keepingNewlines: true)
            FileHandle.standardError.write(Data("concertd migrate-store: \(escaped)\n".utf8))
            return ExitCode(status)
        }
    }
}
