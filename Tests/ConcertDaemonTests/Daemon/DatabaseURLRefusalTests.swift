import Foundation
import Testing

/// `database_url` is read and checked, but this concertd opens only the SQLite store: a daemon
/// given one refuses to start (78) saying so, rather than quietly keeping the reminders in a
/// SQLite file the operator did not ask for, and `check-config` says the same.
extension ConcertdExitStatusTests {
    @Test func aDaemonGivenADatabaseURLRefusesToStartRatherThanUseSQLite() throws {
        let socket = TemporarySocket()
        defer { socket.remove() }
        let exit = try run(
            daemonArguments(state: socket.directory + "/state", socket: socket.path) + [
                "--database-url", "postgresql://concertd@127.0.0.1:5432/concertd",
            ], directory: socket.directory)
        #expect(exit.status == 78, "\(exit.error)")
        #expect(exit.error.contains("database_url: this concertd cannot open a PostgreSQL store yet"), "\(exit.error)")
        #expect(!FileManager.default.fileExists(atPath: socket.directory + "/state/concertd.sqlite3"))
    }
}

extension CheckConfigTests {
    @Test func checkConfigRefusesADatabaseURLThisConcertdCannotOpen() throws {
        let folder = TemporarySocket()
        defer { folder.remove() }
        let config = folder.directory + "/concertd.conf"
        try write("database_url = postgresql://concertd@127.0.0.1:5432/concertd\n", to: config)
        let checked = try checkConfig([config, "--catalog", TestDaemon.catalogPath], directory: folder.directory)
        #expect(checked.status == 78, "\(checked.output)\n\(checked.error)")
        #expect(
            checked.error.contains("database_url: this concertd cannot open a PostgreSQL store yet"), "\(checked.error)"
        )
    }
}
