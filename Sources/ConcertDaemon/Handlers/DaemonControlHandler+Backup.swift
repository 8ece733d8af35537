import ConcertCore
import ConcertProtocol
import Foundation

extension DaemonControlHandler {
    static func registerBackup(_ router: inout ControlRouter, _ daemon: Daemon) {
        let backups = DatabaseBackups(directory: daemon.resolved.paths.stateDirectory)
        router.register(ControlMethods.backup) { _, peer in
            try allowBackup(peer)
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

    /// Only root and the daemon's own user may take a backup: it holds every webhook URL and
    /// signing secret, which listings mask even for the control group.
    private static func allowBackup(_ peer: PeerCredentials) throws(ControlError) {
        guard peer.uid == 0 || peer.uid == getuid() else {
            throw .permissionDenied(
                "a backup holds every webhook URL and signing secret: only root and the daemon's user may take one")
        }
    }
}
