import ConcertCore
import Foundation
import Synchronization
import Testing

@testable import ConcertDaemon

/// One daemon per database: a second concertd on the same state directory, by any path, is
/// refused before it touches the database.
@Suite(.serialized, .timeLimit(.minutes(1))) struct DatabaseLockTests {
    /// Starts a daemon on `stateDirectory` with a socket of its own and the system's clock (as an
    /// operator's second start would: its "now" is years after the catalog's concerts).
    func startSecond(stateDirectory: String) throws(Daemon.StartupError) -> Daemon {
        let socket = TemporarySocket()
        defer { socket.remove() }
        let options = TestDaemon.options(
            directory: socket.directory, socketPath: socket.path, clockStart: nil, config: nil, catalog: nil,
            environment: [:], stateDirectory: stateDirectory)
        return try Daemon.start(options, logger: .quiet)
    }

    func pendingAndSkipped(_ daemon: TestDaemon) throws -> (pending: Int, skipped: Int) {
        let counters = try daemon.daemon.database.counters()
        return (counters["delivery.scheduled", default: 0], counters["delivery.skipped", default: 0])
    }

    @Test func aSecondDaemonOnTheSameStateDirectoryIsRefusedAndThePendingRemindersStayPending() async throws {
        let first = try TestDaemon()
        defer { first.remove() }
        let run = await runCtl([
            "subscribe", "busan", "daegu", "--webhook", "https://hooks.example.org/a", "--quiet", "--socket",
            first.socketPath,
        ])
        #expect(run.status == 0, "\(run.error)")
        let before = try pendingAndSkipped(first)
        #expect(before.pending > 0 && before.skipped == 0)

        let error = #expect(throws: Daemon.StartupError.self) {
            _ = try startSecond(stateDirectory: first.stateDirectory)
        }
        #expect(error?.kind == .anotherDaemon && error?.isTemporary == true)
        let message = error?.description ?? ""
        #expect(
            message.contains("another concertd (pid \(getpid())) holds \(first.stateDirectory)/concertd.sqlite3.lock"))
        #expect(message.contains("stop it first"))
        let after = try pendingAndSkipped(first)
        #expect(after.pending == before.pending && after.skipped == 0, "the refused daemon changed no reminder")
    }

    @Test func aSymlinkToTheStateDirectoryMeetsTheSameLock() throws {
        let first = try TestDaemon()
        defer { first.remove() }
        let link = first.directory + "/elsewhere"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: first.stateDirectory)
        let error = #expect(throws: Daemon.StartupError.self) { _ = try startSecond(stateDirectory: link) }
        #expect(error?.kind == .anotherDaemon)
    }

    @Test func aSymlinkToTheDatabaseFileMeetsTheSameLock() throws {
        let first = try TestDaemon()
        defer { first.remove() }
        let other = first.directory + "/other-state"
        try FileManager.default.createDirectory(atPath: other, withIntermediateDirectories: false)
        try FileManager.default.createSymbolicLink(
            atPath: other + "/concertd.sqlite3", withDestinationPath: first.stateDirectory + "/concertd.sqlite3")
        let error = #expect(throws: Daemon.StartupError.self) { _ = try startSecond(stateDirectory: other) }
        #expect(error?.kind == .anotherDaemon)
    }

    @Test func aHardLinkToTheDatabaseInAnotherStateDirectoryMeetsTheSameLock() throws {
        let first = try TestDaemon()
        defer { first.remove() }
        let other = first.directory + "/linked-state"
        try FileManager.default.createDirectory(atPath: other, withIntermediateDirectories: false)
        try FileManager.default.linkItem(
            atPath: first.stateDirectory + "/concertd.sqlite3", toPath: other + "/concertd.sqlite3")
        let error = #expect(throws: Daemon.StartupError.self) { _ = try startSecond(stateDirectory: other) }
        #expect(error?.kind == .anotherDaemon && error?.isTemporary == true)
        #expect(error?.description.contains("another concertd (pid \(getpid())) holds the database") == true)
        #expect(!FileManager.default.fileExists(atPath: other + "/concertd.sqlite3-wal"), "the database was not opened")
    }

    /// On a busy machine `/proc/locks` is longer than one page; the holder may be listed past it.
    @Test func theHolderIsNamedWhenTheLockTableListsItPastTheFirstPage() throws {
        let fillers = TemporarySocket()
        let held = Mutex<[Int32]>([])
        defer {
            held.withLock { for fd in $0 { close(fd) } }
            fillers.remove()
        }
        let first = try TestDaemon()
        defer { first.remove() }
        var database = stat()
        try #require(stat(first.stateDirectory + "/concertd.sqlite3", &database) == 0)
        // The kernel keeps a list of locks per CPU, newest first: newer locks taken from threads
        // on every CPU put the daemon's past the first page wherever its list is.
        func holderOffset() throws -> Int {
            let table = String(decoding: try #require(DatabaseLock.lockTable()), as: UTF8.self)
            let line = try #require(table.range(of: ":\(database.st_ino) 0 EOF"), "the daemon's lock is listed")
            return table.utf8.distance(from: table.startIndex, to: line.lowerBound)
        }
        var rounds = 0
        while try holderOffset() <= 4096, rounds < 40 {
            rounds += 1
            DispatchQueue.concurrentPerform(iterations: 32) { _ in
                let fd = open(fillers.directory + "/filler-\(UUID().uuidString)", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
                guard fd >= 0 else { return }
                _ = flock(fd, LOCK_EX)
                held.withLock { $0.append(fd) }
            }
        }
        try #require(try holderOffset() > 4096, "\(held.withLock { $0.count }) other locks held")
        try FileManager.default.removeItem(atPath: first.stateDirectory + "/concertd.sqlite3.lock")
        let error = #expect(throws: Daemon.StartupError.self) {
            _ = try startSecond(stateDirectory: first.stateDirectory)
        }
        #expect(error?.description.contains("another concertd (pid \(getpid())) holds the database") == true)
    }

    @Test func aDeletedLockFileDoesNotLetASecondDaemonOntoTheDatabase() throws {
        let first = try TestDaemon()
        defer { first.remove() }
        try FileManager.default.removeItem(atPath: first.stateDirectory + "/concertd.sqlite3.lock")
        let error = #expect(throws: Daemon.StartupError.self) {
            _ = try startSecond(stateDirectory: first.stateDirectory)
        }
        #expect(error?.kind == .anotherDaemon)
        #expect(error?.description.contains("another concertd (pid \(getpid())) holds the database") == true)
    }

    @Test func aDatabaseReplacedUnderTheRunningDaemonStillMeetsTheLockFile() throws {
        // Another file renamed over the running daemon's database: its WAL and shared-memory
        // files are named after the path, so a second daemon there would still share them.
        let first = try TestDaemon()
        defer { first.remove() }
        let database = first.stateDirectory + "/concertd.sqlite3"
        try FileManager.default.copyItem(atPath: database, toPath: database + ".copy")
        #expect(rename(database + ".copy", database) == 0)
        let error = #expect(throws: Daemon.StartupError.self) {
            _ = try startSecond(stateDirectory: first.stateDirectory)
        }
        #expect(error?.kind == .anotherDaemon)
    }

    @Test(arguments: ["fifo", "device"])
    func aDatabasePathThatIsNotARegularFileIsRefusedWithoutHanging(kind: String) throws {
        let socket = TemporarySocket()
        defer { socket.remove() }
        let state = socket.directory + "/state"
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: false)
        if kind == "fifo" {
            #expect(mkfifo(state + "/concertd.sqlite3", 0o600) == 0)
        } else {
            try FileManager.default.createSymbolicLink(
                atPath: state + "/concertd.sqlite3", withDestinationPath: "/dev/null")
        }
        let error = #expect(throws: Daemon.StartupError.self) {
            _ = try DatabaseLock.acquire(databasePath: state + "/concertd.sqlite3")
        }
        #expect(error?.kind == .configuration)
        #expect(error?.description == "\(state)/concertd.sqlite3 is not a regular file")
    }

    @Test func afterTheFirstStopsTheNextStartsAndRewritesThePid() throws {
        let first = try TestDaemon()
        defer { first.remove() }
        first.stop()
        let next = try startSecond(stateDirectory: first.stateDirectory)
        defer { next.stop() }
        let lockFile = first.stateDirectory + "/concertd.sqlite3.lock"
        #expect(try String(contentsOfFile: lockFile, encoding: .utf8) == "\(getpid())\n")
        let mode = try FileManager.default.attributesOfItem(atPath: lockFile)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func theLockIsTakenBeforeTheDatabaseIsOpened() throws {
        let socket = TemporarySocket()
        defer { socket.remove() }
        let state = socket.directory + "/state"
        let lock = try DatabaseLock.acquire(databasePath: state + "/concertd.sqlite3")
        defer { lock.release() }
        #expect(throws: Daemon.StartupError.self) { _ = try startSecond(stateDirectory: state) }
        // The lock made the database file, empty; the refused daemon wrote nothing into it.
        let size = try FileManager.default.attributesOfItem(atPath: state + "/concertd.sqlite3")[.size] as? Int
        #expect(size == 0, "no database was written")
        #expect(!FileManager.default.fileExists(atPath: state + "/concertd.sqlite3-wal"))
    }
}
