import ConcertCore
import ConcertPostgres
import ConcertProtocol
import Foundation

extension DaemonControlHandler {
    static func registerBackup(_ router: inout ControlRouter, _ daemon: Daemon) {
        let backups = DatabaseBackups(directory: daemon.resolved.paths.stateDirectory)
        router.register(ControlMethods.backup) { _, peer in
            try allowBackup(peer)
            // Refused before anything is read or reserved: the server's tools back a shared store up.
            if let url = daemon.resolved.configuration.databaseURL {
                throw ControlError.conflict(postgresBackupAdvice(url))
            }
            // On a thread of its own: copying a large database takes a while, and the handlers'
            // queue stays free for `status`, which concertctl asks meanwhile to see the daemon alive.
            let result = try await onItsOwnThread { () throws(ControlError) in try backups.make(daemon.database) }
            daemon.logger.notice(
                "database backup made", metadata: ["backup": "\(result.backup)", "bytes": "\(result.size)"])
            return result
        }
        router.register(ControlMethods.backupRead) { params, peer in
            try allowBackup(peer)
            return try backups.read(params)
        }
    }

    /// Why `backup` copies no PostgreSQL store and what to run instead: `pg_dump` with the store's
    /// host, port, user and database (the password never: it comes from `~/.pgpass` or
    /// `PGPASSWORD`), in a subshell with `umask 077` so the dump, which holds the signing secrets, is
    /// 0600; and `pg_restore` to bring it back. Only the daemon's user and root read it.
    static func postgresBackupAdvice(_ url: DatabaseURL) -> String {
        var command = ["pg_dump", "-Fc", "-h", url.host, "-p", String(url.effectivePort)]
        if let user = url.user { command += ["-U", user] }
        command += ["-d", url.database, "-f", "concertd-$(date +%F).dump"]
        let quoted = command.enumerated().map { $0.offset == command.count - 1 ? $0.element : shellQuoted($0.element) }
        return "the store is on PostgreSQL (postgresql://\(url.serverDescription)), and concertctl backup "
            + "copies only a SQLite store: back the database up with the server's tools while the instances run, "
            + "such as `(umask 077; \(quoted.joined(separator: " ")))` (umask 077: the dump holds every webhook URL and "
            + "signing secret; the password from ~/.pgpass or PGPASSWORD, never on the "
            + "command line; restore with pg_restore into an empty database), or base backups with WAL archiving"
    }

    /// `text` as one word of a shell command: as it is when it holds only characters no shell
    /// reads specially, else in single quotes.
    private static func shellQuoted(_ text: String) -> String {
        let plain = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:%+=@,")
        if !text.isEmpty && text.allSatisfy({ plain.contains($0) }) { return text }
        return "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// Only root and the daemon's own user may take a backup: it holds every webhook URL and
    /// signing secret, which listings mask even for the control group.
    private static func allowBackup(_ peer: PeerCredentials) throws(ControlError) {
        guard peer.uid == 0 || peer.uid == getuid() else {
            throw .permissionDenied(
                "a backup holds every webhook URL and signing secret: only root and the daemon's user may take one")
        }
    }
}
