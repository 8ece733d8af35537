import Glibc

/// Who may use the control socket: root, the daemon's own user and members of the control group.
///
/// Membership is the peer's primary group (from `SO_PEERCRED`) or the supplementary groups the
/// group database gives the peer's user (`getgrouplist`), so adding a user to the group in
/// `/etc/group` is enough. This is the second lock: the socket file is also mode 0660, owned by
/// the daemon's user and the control group, in a 0750 directory.
public struct ControlAccessPolicy: Sendable {
    public var daemonUID: uid_t
    /// The control group; without one, only root and the daemon's user are let in.
    public var controlGroup: gid_t?
    private let groupsOfUser: @Sendable (uid_t, gid_t) -> [gid_t]

    public init(daemonUID: uid_t = getuid(), controlGroup: gid_t?) {
        self.init(daemonUID: daemonUID, controlGroup: controlGroup, groupsOfUser: Self.systemGroups)
    }

    /// A policy with its own group lookup, for tests.
    init(daemonUID: uid_t, controlGroup: gid_t?, groupsOfUser: @escaping @Sendable (uid_t, gid_t) -> [gid_t]) {
        self.daemonUID = daemonUID
        self.controlGroup = controlGroup
        self.groupsOfUser = groupsOfUser
    }

    /// Whether `peer` is let in.
    public func allows(_ peer: PeerCredentials) -> Bool {
        if peer.uid == 0 || peer.uid == daemonUID { return true }
        guard let controlGroup else { return false }
        return peer.gid == controlGroup || groupsOfUser(peer.uid, peer.gid).contains(controlGroup)
    }

    /// The groups of user `uid` in the system's group database; empty for a user it does not know.
    static func systemGroups(of uid: uid_t, primary gid: gid_t) -> [gid_t] {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 16_384)
        guard getpwuid_r(uid, &entry, &buffer, buffer.count, &result) == 0, result != nil, let name = entry.pw_name
        else { return [] }
        var capacity: Int32 = 64
        for _ in 0..<4 {
            var count = capacity
            var groups = [gid_t](repeating: 0, count: Int(capacity))
            if getgrouplist(name, gid, &groups, &count) >= 0 { return Array(groups.prefix(Int(count))) }
            // Too small: glibc says how many there are.
            guard count > capacity, count <= 65_536 else { return [] }
            capacity = count
        }
        return []
    }

    /// The id of the group named `name`, for a configuration that names the control group.
    public static func groupID(named name: String) -> gid_t? {
        var entry = group()
        var result: UnsafeMutablePointer<group>?
        var buffer = [CChar](repeating: 0, count: 16_384)
        guard getgrnam_r(name, &entry, &buffer, buffer.count, &result) == 0, result != nil else { return nil }
        return entry.gr_gid
    }
}
