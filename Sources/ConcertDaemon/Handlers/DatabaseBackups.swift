import ConcertCore
import ConcertProtocol
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Copies of the database made for `concertctl backup`, each waiting in an unnamed file of the
/// state directory to be read out piece by piece (`backup.read`).
///
/// The daemon writes nowhere but its state directory (the unit's `ProtectSystem=strict`), and
/// the file the operator gets is written by concertctl, as the operator. A copy is unlinked as
/// soon as it is made, so a crash leaves nothing behind; it is closed after its last piece is
/// read, or after `lifetime` without a read (a client gone away). At most `limit` wait at once:
/// each is as large as the database.
final class DatabaseBackups: @unchecked Sendable {
    // @unchecked: `copies` is only touched while holding `lock`.
    private struct Copy {
        var descriptor: Int32
        var size: Int64
        var touched: Date
    }

    private let lock = NSLock()
    private var copies: [String: Copy] = [:]
    private var making = 0
    let directory: String
    let lifetime: TimeInterval
    let limit: Int

    init(directory: String, lifetime: TimeInterval = 120, limit: Int = 2) {
        self.directory = directory
        self.lifetime = lifetime
        self.limit = limit
    }

    deinit {
        for copy in copies.values { close(copy.descriptor) }
    }

    /// Makes a copy of `database`; blocks for as long as SQLite copies (run it off the handlers' queue).
    func make(_ database: any StoreMaintenance) throws(ControlError) -> BackupResult {
        try reserve()
        defer { lock.withLock { making -= 1 } }
        let size: Int64
        do {
            size = try database.size()
        } catch {
            throw .unavailable("cannot read the database's size: \(error)")
        }
        var space = statvfs()
        if statvfs(directory, &space) == 0 {
            let free = Int64(space.f_bavail) * Int64(space.f_frsize)
            guard free > size + 64 << 20 else {
                throw .unavailable(
                    "not enough free space in \(directory) for a copy of the database (\(size >> 20) MiB; \(free >> 20) MiB free)"
                )
            }
        }
        let id = "backup-" + RandomID.make(length: 12)
        let path = (directory as NSString).appendingPathComponent(id + ".sqlite3")
        let schema: Int
        do {
            schema = try database.backup(to: path)
        } catch {
            throw .unavailable("cannot copy the database into \(directory): \(error)")
        }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        let opened = errno
        unlink(path)
        guard descriptor >= 0 else {
            throw .unavailable("cannot open the copy in \(directory): \(String(cString: strerror(opened)))")
        }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            close(descriptor)
            throw .unavailable("cannot read the copy's size: \(String(cString: strerror(errno)))")
        }
        lock.withLock { copies[id] = Copy(descriptor: descriptor, size: Int64(info.st_size), touched: Date()) }
        return BackupResult(backup: id, size: Int64(info.st_size), schemaVersion: schema)
    }

    /// Reads a piece of copy `id`; after the last piece the copy is gone.
    func read(_ params: BackupReadParams) throws(ControlError) -> BackupReadResult {
        let length = params.length ?? BackupReadParams.maximumLength
        guard (1...BackupReadParams.maximumLength).contains(length) else {
            throw .invalidParams("length must be from 1 to \(BackupReadParams.maximumLength)", field: "length")
        }
        let copy = try touch(params.backup)
        guard (0...copy.size).contains(params.offset) else {
            throw .invalidParams("offset must be from 0 to the backup's size, \(copy.size)", field: "offset")
        }
        let wanted = Int(min(Int64(length), copy.size - params.offset))
        var bytes = [UInt8](repeating: 0, count: wanted)
        var done = 0
        while done < wanted {
            let count = bytes.withUnsafeMutableBytes {
                pread(copy.descriptor, $0.baseAddress! + done, wanted - done, off_t(params.offset) + off_t(done))
            }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else {
                throw .unavailable(
                    "cannot read the backup: \(count < 0 ? String(cString: strerror(errno)) : "end of file")")
            }
            done += count
        }
        let end = params.offset + Int64(wanted) == copy.size
        if end {
            lock.withLock {
                if let finished = copies.removeValue(forKey: params.backup) { close(finished.descriptor) }
            }
        }
        return BackupReadResult(offset: params.offset, data: Data(bytes).base64EncodedString(), end: end)
    }

    /// Takes a place for a copy being made, if one is free.
    private func reserve() throws(ControlError) {
        lock.lock()
        defer { lock.unlock() }
        dropIdle()
        guard copies.count + making < limit else {
            throw .unavailable(
                "\(limit) backups are already being made or read; try again when one ends (one left unread is dropped after \(Int(lifetime)) s)"
            )
        }
        making += 1
    }

    /// Copy `id`, marked as read now.
    private func touch(_ id: String) throws(ControlError) -> Copy {
        lock.lock()
        defer { lock.unlock() }
        dropIdle()
        guard var copy = copies[id] else {
            throw .notFound(
                "no backup '\(id)' (a backup is dropped once read, or after \(Int(lifetime)) s unread)", field: "backup"
            )
        }
        copy.touched = Date()
        copies[id] = copy
        return copy
    }

    /// Closes copies nobody has read for `lifetime`; called while holding `lock`.
    private func dropIdle() {
        let now = Date()
        for (id, copy) in copies where now.timeIntervalSince(copy.touched) >= lifetime {
            close(copy.descriptor)
            copies[id] = nil
        }
    }
}
