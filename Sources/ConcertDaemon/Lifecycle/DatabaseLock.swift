import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// The one-daemon-per-database lock: exclusive `flock(2)` locks on the database file itself and on
/// a lock file beside it, taken before the database is opened and held until the daemon stops (the
/// kernel drops them when the process ends, however it ends).
///
/// Two concertd on one database would each recover the other's sends and mark its pending
/// reminders `missed` or `superseded`, and two on one file by different paths would each keep a
/// WAL of their own and corrupt it at the next checkpoint. So the lock is tied to the file, not to
/// a path: `flock` locks an inode, and the daemon locks the database's own inode through a
/// descriptor of its own. Any path that leads to that file, a symlink, a bind mount or a hard link
/// in another state directory, meets the lock, and no file beside it can be removed to get past it.
///
/// SQLite's own locks on the database are POSIX (`fcntl`) record locks, a lock type Linux keeps
/// apart from `flock`: the two never block each other, so the daemon's SQLite connections (and an
/// administrator's `sqlite3` reading beside it) work as before. But a process loses every POSIX
/// lock it holds on a file the moment it closes *any* descriptor of that file, so the database's
/// descriptor is only unlocked at ``release()`` and closed when this object goes away, after the
/// daemon has stopped. (On NFS, where Linux emulates `flock` with POSIX locks, the two would meet;
/// SQLite's WAL mode, which the daemon uses, does not work over a network file system anyway.)
///
/// The lock file `NAME.lock` beside the database's *resolved* path holds the pid of the daemon for
/// the refusal and guards the path: a file renamed over the running daemon's database is another
/// inode, but its WAL and shared-memory files would be the running daemon's. A second daemon meeting
/// the database's lock without a pid in the lock file (a hard link elsewhere, a removed lock file)
/// finds the holder's pid in `/proc/locks`. The lock file stays when the daemon stops.
///
/// `concertd migrate-store` takes the same lock for the time of its copy: a daemon running on the
/// file refuses the copy, and a daemon started during it refuses to start.
public final class DatabaseLock: @unchecked Sendable {
    // @unchecked: the descriptors are only touched under `mutex`.
    /// The lock file.
    let path: String
    private let mutex = NSLock()
    private var descriptor: Int32
    /// A descriptor of the database file, locked with `flock` until ``release()``.
    private var databaseDescriptor: Int32
    private var databaseLocked = true

    private init(path: String, descriptor: Int32, databaseDescriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
        self.databaseDescriptor = databaseDescriptor
    }

    deinit {
        release()
        if databaseDescriptor >= 0 { close(databaseDescriptor) }
    }

    /// The lock file of the database at `databasePath`: `NAME.lock` beside the file the path
    /// resolves to (its directory resolved when the database does not exist yet).
    static func lockPath(forDatabaseAt databasePath: String) -> String {
        if let real = realPath(databasePath) { return real + ".lock" }
        let directory = (databasePath as NSString).deletingLastPathComponent
        let name = (databasePath as NSString).lastPathComponent
        let base = realPath(directory.isEmpty ? "." : directory) ?? directory
        return (base as NSString).appendingPathComponent(name) + ".lock"
    }

    /// Takes the lock of the database at `databasePath`: creates its directory (0700) and the lock
    /// file (0600) when missing, locks the lock file, then the database file (created empty, 0600,
    /// when missing: SQLite takes an empty file for a new database), and writes this process's pid
    /// into the lock file.
    ///
    /// Throws `.anotherDaemon` naming the holder's pid when another process holds either lock,
    /// `.temporarilyUnavailable` when the disk is full or descriptors or memory are short, and
    /// `.configuration` when the state directory or the database path cannot be used.
    /// Who takes the lock, for the refusal's advice.
    public enum Taker: Sendable {
        /// A daemon, to run on the database.
        case daemon
        /// `concertd migrate-store`, to copy the file or take its mark off.
        case migrateStore
    }

    public static func acquire(databasePath: String, for taker: Taker = .daemon) throws(Daemon.StartupError)
        -> DatabaseLock
    {
        let directory = (databasePath as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try createDirectories(directory)
        }
        let path = lockPath(forDatabaseAt: databasePath)
        let fd = try lockedFile(at: path, flags: O_RDWR | O_NOFOLLOW) { fd in
            let holder = (holderPID(fd) ?? flockHolder(of: fd)).map { " (pid \($0))" } ?? ""
            return Daemon.StartupError(
                .anotherDaemon,
                "another concertd\(holder) holds \(path), the lock of the database \(databasePath); "
                    + (taker == .daemon
                        ? "stop it first: two daemons on one database would each take the other's reminders"
                        : "stop the daemon first: the copy needs the file unchanged"))
        }
        let databaseFD: Int32
        do {
            databaseFD = try lockedFile(at: databasePath, flags: O_RDONLY) { databaseFD in
                let holder = flockHolder(of: databaseFD).map { " (pid \($0))" } ?? ""
                return Daemon.StartupError(
                    .anotherDaemon,
                    "another concertd\(holder) holds the database \(databasePath) (the same file, by whatever "
                        + "path or hard link); "
                        + (taker == .daemon
                            ? "stop it first: two daemons on one database would each take the other's reminders "
                                + "and damage its write-ahead log"
                            : "stop the daemon first: the copy needs the file unchanged"))
            }
        } catch {
            close(fd)
            throw error
        }
        let pid = Array("\(getpid())\n".utf8)
        let written = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        let code = written < 0 ? errno : ENOSPC  // a short write: the disk filled up
        guard written == pid.count, ftruncate(fd, off_t(pid.count)) == 0 else {
            let truncateCode = errno
            close(fd)
            close(databaseFD)
            throw failure(
                "cannot write this process's pid into \(path)", errno: written == pid.count ? truncateCode : code)
        }
        return DatabaseLock(path: path, descriptor: fd, databaseDescriptor: databaseFD)
    }

    /// Opens `path` (creating it, 0600, when missing) and takes an exclusive `flock` on it, then
    /// checks that the path still names the locked file (it was not removed or replaced between
    /// the `open` and the `flock`), trying again when it does not. Refuses anything but a regular
    /// file; `O_NONBLOCK` so that a FIFO at the path is refused instead of waiting for a writer.
    private static func lockedFile(
        at path: String, flags: Int32, refusal: (Int32) -> Daemon.StartupError
    ) throws(Daemon.StartupError) -> Int32 {
        for _ in 0..<5 {
            let fd = open(path, flags | O_CREAT | O_CLOEXEC | O_NONBLOCK, 0o600)
            guard fd >= 0 else { throw failure("cannot open \(path)", errno: errno) }
            var opened = stat()
            guard fstat(fd, &opened) == 0, opened.st_mode & S_IFMT == S_IFREG else {
                close(fd)
                throw Daemon.StartupError(.configuration, "\(path) is not a regular file")
            }
            guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
                let code = errno
                defer { close(fd) }
                guard code == EWOULDBLOCK else { throw failure("cannot lock \(path)", errno: code) }
                throw refusal(fd)
            }
            var locked = stat()
            var named = stat()
            guard fstat(fd, &locked) == 0 else {
                let code = errno
                close(fd)
                throw failure("cannot read the status of \(path)", errno: code)
            }
            if stat(path, &named) == 0, named.st_dev == locked.st_dev, named.st_ino == locked.st_ino {
                return fd
            }
            close(fd)
        }
        throw Daemon.StartupError(
            .temporarilyUnavailable, "\(path) was replaced each time it was locked: another program keeps renaming it")
    }

    /// Drops both locks (the lock file stays; the database's descriptor stays open until this
    /// object goes away, see above). Safe to call twice.
    public func release() {
        mutex.withLock {
            if databaseLocked, databaseDescriptor >= 0 {
                flock(databaseDescriptor, LOCK_UN)
                databaseLocked = false
            }
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

    /// The pid of the process holding a `flock` on the file open at `fd`, as `/proc/locks` lists it
    /// (`3: FLOCK  ADVISORY  WRITE 7587 fe:00:16220273 0 EOF`: pid, device major:minor in hex,
    /// inode); `nil` when the table cannot be read or the holder is in another pid namespace.
    static func flockHolder(of fd: Int32) -> Int32? {
        var info = stat()
        guard fstat(fd, &info) == 0, let table = lockTable() else { return nil }
        let device = UInt64(info.st_dev)
        let major = ((device >> 8) & 0xfff) | ((device >> 32) & ~0xfff)
        let minor = (device & 0xff) | ((device >> 12) & ~0xff)
        for line in String(decoding: table, as: UTF8.self).split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            // A blocked waiter's line reads `1: -> FLOCK ...`; the holder's has FLOCK second.
            guard fields.count >= 6, fields[1] == "FLOCK", fields[3] == "WRITE" else { continue }
            let file = fields[5].split(separator: ":")
            guard file.count == 3, UInt64(file[0], radix: 16) == major, UInt64(file[1], radix: 16) == minor,
                UInt64(file[2]) == UInt64(info.st_ino), let pid = Int32(fields[4]), pid > 0
            else { continue }
            return pid
        }
        return nil
    }

    /// `/proc/locks` read to its end, or `nil`. It reports a size of 0, and Foundation's
    /// `contents(atPath:)` then reads one page of it: on a busy machine the holder is past that page.
    static func lockTable() -> [UInt8]? {
        let fd = open("/proc/locks", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var table: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = read(fd, &buffer, buffer.count)
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { return nil }
            if count == 0 { return table }
            table += buffer[..<count]
        }
    }

    /// Creates `directory` and its missing parents, mode 0700.
    static func createDirectories(_ directory: String) throws(Daemon.StartupError) {
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
