import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// The one-daemon-per-database lock: an exclusive `flock(2)` on a file beside the database,
/// taken before the database is opened and held until the daemon stops (the kernel drops it
/// when the process ends, however it ends).
///
/// Two concertd on one database would each recover the other's sends and mark its pending
/// reminders `missed` or `superseded`. The lock file lies beside the database's *resolved* path
/// and `flock` locks the file's inode, so a second daemon reaching the same database through
/// another path (a symlinked or bind-mounted state directory, a symlink to the database) meets
/// the same lock. A separate file rather than a lock on the database itself: SQLite holds POSIX
/// (`fcntl`) locks on the database, which the process loses the moment any descriptor of that
/// file is closed, and a file of our own can name the holder's pid for the refusal.
///
/// The file stays when the daemon stops: removing it would let a daemon that had opened the old
/// file hold a lock nobody else sees.
final class DatabaseLock: @unchecked Sendable {
    // @unchecked: `descriptor` is only touched under `mutex`.
    /// The lock file.
    let path: String
    private let mutex = NSLock()
    private var descriptor: Int32

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    deinit { release() }

    /// The lock file of the database at `databasePath`: `NAME.lock` beside the file the path
    /// resolves to (its directory resolved when the database does not exist yet).
    static func lockPath(forDatabaseAt databasePath: String) -> String {
        if let real = realPath(databasePath) { return real + ".lock" }
        let directory = (databasePath as NSString).deletingLastPathComponent
        let name = (databasePath as NSString).lastPathComponent
        let base = realPath(directory.isEmpty ? "." : directory) ?? directory
        return (base as NSString).appendingPathComponent(name) + ".lock"
    }

    /// Takes the lock of the database at `databasePath`, creating its directory (0700) and the
    /// lock file (0600) when missing, and writes this process's pid into the file.
    ///
    /// Throws `.anotherDaemon` naming the holder's pid when another process holds it,
    /// `.temporarilyUnavailable` when the disk is full or descriptors or memory are short, and
    /// `.configuration` when the state directory cannot be used (not writable, not a directory).
    static func acquire(databasePath: String) throws(Daemon.StartupError) -> DatabaseLock {
        let directory = (databasePath as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try createDirectories(directory)
        }
        let path = lockPath(forDatabaseAt: databasePath)
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw failure("cannot open the lock file \(path)", errno: errno) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            defer { close(fd) }
            guard code == EWOULDBLOCK else { throw failure("cannot lock \(path)", errno: code) }
            let holder = holderPID(fd).map { " (pid \($0))" } ?? ""
            throw Daemon.StartupError(
                .anotherDaemon,
                "another concertd\(holder) holds \(path), the lock of the database \(databasePath); "
                    + "stop it first: two daemons on one database would each take the other's reminders")
        }
        let pid = Array("\(getpid())\n".utf8)
        let written = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        let code = written < 0 ? errno : ENOSPC  // a short write: the disk filled up
        guard written == pid.count, ftruncate(fd, off_t(pid.count)) == 0 else {
            close(fd)
            throw failure("cannot write this process's pid into \(path)", errno: written == pid.count ? errno : code)
        }
        return DatabaseLock(path: path, descriptor: fd)
    }

    /// Drops the lock (the file stays). Safe to call twice.
    func release() {
        mutex.withLock {
            guard descriptor >= 0 else { return }
            close(descriptor)
            descriptor = -1
        }
    }

    /// The pid the holder wrote into the file, if it is one.
    private static func holderPID(_ fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        let text = String(decoding: buffer[..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return Int32(text).flatMap { $0 > 0 ? $0 : nil }
    }

    /// Creates `directory` and its missing parents, mode 0700.
    private static func createDirectories(_ directory: String) throws(Daemon.StartupError) {
        var info = stat()
        if stat(directory, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFDIR else {
                throw Daemon.StartupError(.configuration, "the state directory \(directory) is not a directory")
            }
            return
        }
        let parent = (directory as NSString).deletingLastPathComponent
        if !parent.isEmpty, parent != directory { try createDirectories(parent) }
        guard mkdir(directory, 0o700) == 0 || errno == EEXIST else {
            throw failure("cannot create the state directory \(directory)", errno: errno)
        }
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// `what` and the `errno` text, temporary when waiting may cure it.
    private static func failure(_ what: String, errno code: Int32) -> Daemon.StartupError {
        let temporary = [ENOSPC, EDQUOT, EMFILE, ENFILE, ENOMEM, EIO, EINTR, EAGAIN].contains(code)
        return Daemon.StartupError(
            temporary ? .temporarilyUnavailable : .configuration, "\(what): \(String(cString: strerror(code)))")
    }
}
