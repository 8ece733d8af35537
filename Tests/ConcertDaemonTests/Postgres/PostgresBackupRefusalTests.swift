import ConcertCore
import ConcertPostgres
import Foundation
import PostgresTestSupport
import Testing

@testable import ConcertDaemon

/// `concertctl backup` on an instance whose store is on PostgreSQL: refused at once (the server's
/// tools copy a shared database consistently, concertd's copy of a SQLite file cannot), with the
/// `pg_dump` command that backs up this store, naming where it is but never its password, into a
/// file only its owner reads.
@Suite(.serialized, .timeLimit(.minutes(3))) struct PostgresBackupRefusalTests {
    @Test func backupOnPostgreSQLIsRefusedWithThePgDumpCommandForThisStore() async throws {
        var url = try await ThrowawayPostgres.shared().makeDatabase()
        let folder = TemporarySocket()
        defer { folder.remove() }
        let password = "pw-backup-not-shown-4"
        try (password + "\n").write(toFile: folder.directory + "/db-password", atomically: true, encoding: .utf8)
        if url.user == nil { url.user = NSUserName() }
        let daemon = try await TestDaemon.onPostgres(
            url, instance: "east-1", more: "database_password_file = \(folder.directory)/db-password\n")
        defer { daemon.remove() }
        let file = folder.directory + "/store.backup"
        let run = await runCtl(["backup", file, "--socket", daemon.socketPath])
        #expect(run.status == 1, "the daemon refused: \(run.error)")
        #expect(run.error.contains("[conflict]"), "not a failure to wait out: \(run.error)")
        let command = "pg_dump -Fc -h \(url.host) -p \(url.effectivePort) -U \(url.user ?? "") -d \(url.database)"
        // In a subshell with umask 077: the dump holds the signing secrets, and is made 0600 as
        // concertctl backup's copy is, without changing the umask of the shell it is pasted into.
        #expect(run.error.contains("(umask 077; " + command + " -f concertd-$(date +%F).dump)"), "\(run.error)")
        #expect(run.error.contains("pg_restore"), "\(run.error)")
        #expect(!run.error.contains(password) && !run.output.contains(password))
        #expect(!FileManager.default.fileExists(atPath: file))
    }
}
