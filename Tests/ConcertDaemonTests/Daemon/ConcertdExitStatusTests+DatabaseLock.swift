import Foundation
import Testing

/// The real binaries: a second `concertd` reaching a running daemon's database file by any path,
/// with or without the lock file beside it, exits 75 naming the first one's pid and leaves the
/// database alone.
extension ConcertdExitStatusTests {
    /// Starts a daemon on `state` with the shifted clock and waits until it tells systemd it is ready.
    func startFirst(state: String, socket: TemporarySocket) throws -> Process {
        let receiver = try DatagramReceiver()
        let (first, _) = try ConcertdBinaryTests.launch(
            daemonArguments(state: state, socket: socket.path) + ["--clock-start", "2019-10-20T00:00+09:00"],
            environment: ["NOTIFY_SOCKET": receiver.notifySocket], directory: socket.directory)
        guard receiver.receive(timeout: 20)?.hasPrefix("READY=1") == true else {
            first.terminate()
            throw TestClientError(description: "the first concertd did not become ready")
        }
        return first
    }

    func stopFirst(_ first: Process) {
        guard first.isRunning else { return }
        kill(first.processIdentifier, SIGTERM)
        first.waitUntilExit()
    }

    @Test func aHardLinkToTheDatabaseInAnotherStateDirectoryExits75NamingTheFirstDaemon() throws {
        let socket = TemporarySocket()
        defer { socket.remove() }
        let state = socket.directory + "/state"
        let first = try startFirst(state: state, socket: socket)
        defer { stopFirst(first) }
        let before = try deliveryStates(state)

        let linked = socket.directory + "/linked"
        try FileManager.default.createDirectory(atPath: linked, withIntermediateDirectories: false)
        #expect(link(state + "/concertd.sqlite3", linked + "/concertd.sqlite3") == 0)
        let second = try run(
            daemonArguments(state: linked, socket: socket.directory + "/second.sock"), directory: socket.directory)
        #expect(second.status == 75, "\(second.error)")
        #expect(second.error.contains("another concertd (pid \(first.processIdentifier)) holds the database"))
        #expect(
            !FileManager.default.fileExists(atPath: linked + "/concertd.sqlite3-wal"), "it never opened the database")
        #expect(try deliveryStates(state) == before)
        #expect(first.isRunning)
    }

    @Test func aDeletedLockFileStillKeepsASecondDaemonOffTheDatabase() throws {
        let socket = TemporarySocket()
        defer { socket.remove() }
        let state = socket.directory + "/state"
        let first = try startFirst(state: state, socket: socket)
        defer { stopFirst(first) }

        try FileManager.default.removeItem(atPath: state + "/concertd.sqlite3.lock")
        let second = try run(
            daemonArguments(state: state, socket: socket.directory + "/second.sock"), directory: socket.directory)
        #expect(second.status == 75, "\(second.error)")
        #expect(second.error.contains("another concertd (pid \(first.processIdentifier)) holds the database"))
        #expect(first.isRunning)

        stopFirst(first)
        #expect(first.terminationStatus == 0)
        let nextSocket = TemporarySocket()
        defer { nextSocket.remove() }
        let next = try startFirst(state: state, socket: nextSocket)
        defer { stopFirst(next) }
        #expect(
            try String(contentsOfFile: state + "/concertd.sqlite3.lock", encoding: .utf8)
                == "\(next.processIdentifier)\n",
            "once the first is gone the next starts and writes its pid again")
    }

    @Test func aSymlinkedStateDirectoryStillExits75NamingTheFirstDaemon() throws {
        let socket = TemporarySocket()
        defer { socket.remove() }
        let state = socket.directory + "/state"
        let first = try startFirst(state: state, socket: socket)
        defer { stopFirst(first) }
        try FileManager.default.createSymbolicLink(atPath: socket.directory + "/alias", withDestinationPath: state)
        let second = try run(
            daemonArguments(state: socket.directory + "/alias", socket: socket.directory + "/second.sock"),
            directory: socket.directory)
        #expect(second.status == 75, "\(second.error)")
        #expect(second.error.contains("another concertd (pid \(first.processIdentifier)) holds"))
    }
}
