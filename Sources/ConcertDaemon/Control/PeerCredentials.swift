import Glibc

/// Who is on the other end of a control connection, as the kernel reports it (`SO_PEERCRED`).
///
/// The ids are those of the peer process when it called `connect`; they cannot be forged by
/// the peer.
public struct PeerCredentials: Sendable, Hashable, CustomStringConvertible {
    public var pid: pid_t
    public var uid: uid_t
    public var gid: gid_t

    public init(pid: pid_t, uid: uid_t, gid: gid_t) {
        self.pid = pid
        self.uid = uid
        self.gid = gid
    }

    public var description: String { "pid \(pid) uid \(uid) gid \(gid)" }

    /// The credentials of the peer of a connected Unix socket, or `nil` if the kernel gives none.
    static func ofPeer(socket fd: Int32) -> PeerCredentials? {
        var raw = RawCredentials()
        var length = socklen_t(MemoryLayout<RawCredentials>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &raw, &length) == 0,
            length == socklen_t(MemoryLayout<RawCredentials>.size)
        else { return nil }
        return PeerCredentials(pid: raw.pid, uid: raw.uid, gid: raw.gid)
    }
}

/// The layout of `struct ucred`, which Glibc declares only under `_GNU_SOURCE`.
private struct RawCredentials {
    var pid: pid_t = 0
    var uid: uid_t = 0
    var gid: gid_t = 0
}
