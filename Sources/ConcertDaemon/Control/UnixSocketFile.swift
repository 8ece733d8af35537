import Glibc

/// The file-system side of the listening socket: its directory, a stale file, bind and permissions.
enum UnixSocketFile {
    /// The capacity of `sun_path`, NUL included.
    static let pathCapacity = MemoryLayout.size(ofValue: sockaddr_un().sun_path)

    /// The address of `path`; throws if it does not fit in `sun_path`.
    static func address(of path: String) throws(ControlServerError) -> sockaddr_un {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard !bytes.isEmpty, bytes.count < pathCapacity else {
            throw ControlServerError(
                "the socket path \(path) is \(bytes.count) bytes; a Unix socket path must be 1 to \(pathCapacity - 1)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        return address
    }

    /// Creates the socket's directory (0750, the daemon's user and `group`) unless it exists, and
    /// refuses a directory that someone else could swap the socket in.
    static func prepareDirectory(of path: String, group: gid_t?) throws(ControlServerError) {
        let directory = parent(of: path)
        var info = stat()
        if lstat(directory, &info) != 0 {
            guard errno == ENOENT else { throw .system("cannot inspect \(directory)", errno: errno) }
            try createDirectories(directory)
            if let group, group != getegid(), chown(directory, getuid(), group) != 0 {
                throw .system("cannot give \(directory) to group \(group)", errno: errno)
            }
            return
        }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            throw ControlServerError("\(directory), the socket's directory, is not a directory")
        }
        guard info.st_uid == getuid() || info.st_uid == 0 else {
            throw ControlServerError(
                "\(directory), the socket's directory, belongs to uid \(info.st_uid), not to the daemon's user")
        }
        if info.st_mode & S_IWOTH != 0, info.st_mode & S_ISVTX == 0 {
            throw ControlServerError("\(directory), the socket's directory, is writable by everyone")
        }
    }

    /// Removes a socket file left by a daemon that is gone; refuses one a live daemon answers on,
    /// and any file that is not a socket.
    static func removeStale(at path: String) throws(ControlServerError) {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            guard errno == ENOENT else { throw .system("cannot inspect \(path)", errno: errno) }
            return
        }
        guard info.st_mode & S_IFMT == S_IFSOCK else {
            throw ControlServerError("\(path) exists and is not a socket; remove it or choose another socket path")
        }
        if isAnswering(path) {
            throw ControlServerError("another concertd is already listening on \(path)", isTemporary: true)
        }
        guard unlink(path) == 0 || errno == ENOENT else {
            throw .system("cannot remove the stale socket \(path)", errno: errno)
        }
    }

    /// A non-blocking listening socket bound to `path`, mode 0660, owned by the daemon's user and
    /// `group`. Returns the descriptor and the file's identity, to remove only our own file later.
    static func listen(at path: String, group: gid_t?, backlog: Int32) throws(ControlServerError) -> (
        fd: Int32, identity: FileIdentity
    ) {
        var address = try address(of: path)
        let fd = socket(
            AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { throw .system("cannot create a Unix socket", errno: errno) }
        do throws(ControlServerError) {
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
                }
            }
            guard bound == 0 else { throw .system("cannot bind \(path)", errno: errno) }
            // bind created the file with the umask; no one else can enter the directory meanwhile.
            guard chmod(path, 0o660) == 0 else { throw .system("cannot chmod \(path)", errno: errno) }
            // Only when the group differs: the file already has the daemon's own group, and the
            // service's system-call filter need not allow chown for the common case.
            var created = stat()
            if let group, stat(path, &created) == 0, created.st_gid != group {
                guard chown(path, getuid(), group) == 0 else {
                    throw .system("cannot give \(path) to group \(group)", errno: errno)
                }
            }
            guard Glibc.listen(fd, backlog) == 0 else { throw .system("cannot listen on \(path)", errno: errno) }
            guard let identity = FileIdentity(path: path) else { throw .system("cannot inspect \(path)", errno: errno) }
            return (fd, identity)
        } catch {
            close(fd)
            throw error
        }
    }

    /// Removes the socket file if it is still the one we bound.
    static func remove(_ path: String, ifStill identity: FileIdentity) {
        if FileIdentity(path: path) == identity { unlink(path) }
    }

    private static func isAnswering(_ path: String) -> Bool {
        guard var address = try? address(of: path) else { return false }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        return result == 0
    }

    private static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    private static func createDirectories(_ directory: String) throws(ControlServerError) {
        var current = directory.hasPrefix("/") ? "" : "."
        for component in directory.split(separator: "/") {
            current += "/" + component
            if mkdir(current, 0o750) != 0, errno != EEXIST {
                throw .system("cannot create the directory \(current)", errno: errno)
            }
        }
        // mkdir applies the umask; the mode is meant.
        guard chmod(directory, 0o750) == 0 else { throw .system("cannot chmod \(directory)", errno: errno) }
    }
}

/// Device and inode of a file: which file a path names at one moment.
struct FileIdentity: Equatable {
    var device: UInt64
    var inode: UInt64

    init?(path: String) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }
}
