import ConcertProtocol
import Foundation
import Glibc
import Testing

@testable import ConcertDaemon

@Suite(.timeLimit(.minutes(1)))
struct ControlServerTests {
    @Test func repliesComeInRequestOrderEvenWhenAnEarlierRequestIsSlower() async throws {
        let running = try RunningControlServer()
        defer { running.stop() }
        let ids = try await offPool {
            let client = try RawControlClient(path: running.path)
            // Three requests in one write; the first one takes longest.
            try client.send(ControlMethods.test, SubscriptionIDParams(id: "slow-300"), id: 1)
            try client.send(ControlMethods.status, NoParams(), id: 2)
            try client.send(ControlMethods.test, SubscriptionIDParams(id: "slow-10"), id: 3)
            return try (0..<3).map { _ in try client.readReply().id }
        }
        #expect(ids == [.number(1), .number(2), .number(3)])
    }

    @Test func manyClientsAtOnceAreAllAnswered() async throws {
        let running = try RunningControlServer()
        defer { running.stop() }
        let answered = try await offPool {
            let count = NSLock()
            nonisolated(unsafe) var answered = 0
            let group = DispatchGroup()
            for _ in 0..<40 {
                group.enter()
                Thread {
                    defer { group.leave() }
                    guard let client = try? RawControlClient(path: running.path) else { return }
                    var ok = true
                    for round in 0..<5 {
                        try? client.send(ControlMethods.test, SubscriptionIDParams(id: "slow-5"), id: Int64(round))
                        ok = ok && (try? client.readReply().id) == .number(Int64(round))
                    }
                    if ok { count.withLock { answered += 1 } }
                }.start()
            }
            group.wait()
            return count.withLock { answered }
        }
        #expect(answered == 40)
    }

    @Test func aLineOverTheLimitIsAnsweredThenTheConnectionCloses() async throws {
        let running = try RunningControlServer()
        defer { running.stop() }
        let (reply, closed) = try await offPool {
            let client = try RawControlClient(path: running.path)
            client.send(Array(repeating: UInt8(ascii: "a"), count: ControlLineFramer.maximumLineLength + 10) + [10])
            return (try client.readReply(), try client.closesWithin(5))
        }
        #expect(reply.error?.code == .lineTooLong)
        #expect(reply.id == .null)
        #expect(closed)
        #expect(try await running.stillAnswers())
        #expect(running.handler.methods == ["status"])
    }

    @Test func aLineOfExactlyTheLimitIsStillRead() async throws {
        let running = try RunningControlServer()
        defer { running.stop() }
        let reply = try await offPool {
            let client = try RawControlClient(path: running.path)
            let request = #"{"jsonrpc":"2.0","id":7,"method":"status","params":{"pad":""#
            let tail = #""}}"#
            let padding = ControlLineFramer.maximumLineLength - request.utf8.count - tail.utf8.count
            client.send(line: request + String(repeating: "x", count: padding) + tail)
            return try client.readReply()
        }
        #expect(reply.id == .number(7))
        #expect(reply.error == nil)
    }

    @Test func invalidUTF8IsAParseErrorAndTheConnectionStaysUsable() async throws {
        let running = try RunningControlServer()
        defer { running.stop() }
        let (first, second) = try await offPool {
            let client = try RawControlClient(path: running.path)
            client.send(
                Array(#"{"jsonrpc":"2.0","id":1,"method":"st"#.utf8) + [0xFF, 0xFE] + Array(#"atus"}"#.utf8) + [10])
            let first = try client.readReply()
            try client.send(ControlMethods.status, NoParams(), id: 2)
            return (first, try client.readReply())
        }
        #expect(first.error?.code == .parseError)
        #expect(first.error?.message.contains("UTF-8") == true)
        #expect(second.id == .number(2))
        #expect(second.error == nil)
        #expect(try await running.stillAnswers())
        #expect(running.handler.mutationCount == 0)
    }

    @Test func invalidJSONIsAParseErrorAndTheConnectionStaysUsable() async throws {
        let running = try RunningControlServer()
        defer { running.stop() }
        let replies = try await offPool {
            let client = try RawControlClient(path: running.path)
            client.send(line: #"{"jsonrpc": "2.0", "id": 1, "method": "pause", "params": {"id": "sub-known"}"#)
            client.send(line: "[1, 2]")
            client.send(line: #"{"jsonrpc":"1.0","id":5,"method":"status"}"#)
            try client.send(ControlMethods.status, NoParams(), id: 6)
            return try (0..<4).map { _ in try client.readReply() }
        }
        #expect(replies.map { $0.error?.code } == [.parseError, .invalidRequest, .invalidRequest, nil])
        #expect(replies.map(\.id) == [.null, .null, .number(5), .number(6)])
        #expect(running.handler.mutationCount == 0)
        #expect(try await running.stillAnswers())
    }

    @Test func anUnknownMethodIsMethodNotFound() async throws {
        let running = try RunningControlServer()
        defer { running.stop() }
        let reply = try await offPool {
            let client = try RawControlClient(path: running.path)
            client.send(line: #"{"jsonrpc":"2.0","id":"a","method":"drop.database"}"#)
            return try client.readReply()
        }
        #expect(reply.id == .string("a"))
        #expect(reply.error?.code == .methodNotFound)
        #expect(reply.error?.message.contains("drop.database") == true)
        #expect(try await running.stillAnswers())
    }

    @Test func wrongParameterTypesAreInvalidParamsNamingTheField() async throws {
        let running = try RunningControlServer()
        defer { running.stop() }
        let replies = try await offPool {
            let client = try RawControlClient(path: running.path)
            client.send(line: #"{"jsonrpc":"2.0","id":1,"method":"subscriptions","params":{"city":42}}"#)
            client.send(line: #"{"jsonrpc":"2.0","id":2,"method":"upcoming","params":{"limit":"ten"}}"#)
            client.send(line: #"{"jsonrpc":"2.0","id":3,"method":"test","params":{}}"#)
            client.send(line: #"{"jsonrpc":"2.0","id":4,"method":"test","params":["sub-1"]}"#)
            return try (0..<4).map { _ in try client.readReply() }
        }
        #expect(replies.map { $0.error?.code } == Array(repeating: .invalidParams, count: 4))
        #expect(replies.map { $0.error?.field } == ["city", "limit", "id", nil])
        #expect(running.handler.mutationCount == 0)
        #expect(try await running.stillAnswers())
    }

    @Test func anUnsupportedProtocolVersionIsRefusedClearly() async throws {
        let running = try RunningControlServer()
        defer { running.stop() }
        let reply = try await offPool {
            let client = try RawControlClient(path: running.path)
            client.send(line: #"{"jsonrpc":"2.0","id":1,"method":"pause","params":{"id":"sub-known"},"protocol":99}"#)
            return try client.readReply()
        }
        #expect(reply.error?.code == .unsupportedProtocol)
        #expect(reply.error?.message.contains("upgrade concertd") == true)
        #expect(reply.protocolVersion == ProtocolVersion.current)
        #expect(running.handler.mutationCount == 0)
    }

    @Test func aNotificationIsCarriedOutWithoutReply() async throws {
        let running = try RunningControlServer()
        defer { running.stop() }
        let reply = try await offPool {
            let client = try RawControlClient(path: running.path)
            client.send(line: #"{"jsonrpc":"2.0","method":"pause","params":{"id":"sub-known"}}"#)
            try client.send(ControlMethods.status, NoParams(), id: 2)
            return try client.readReply()
        }
        #expect(reply.id == .number(2))
        #expect(running.handler.mutationCount == 1)
    }

    @Test func requestsLeftBeforeEndOfInputAreStillAnswered() async throws {
        let running = try RunningControlServer()
        defer { running.stop() }
        let (reply, closed) = try await offPool {
            let client = try RawControlClient(path: running.path)
            client.send(Array(#"{"jsonrpc":"2.0","id":1,"method":"test","params":{"id":"slow-50"}}"#.utf8))
            shutdown(client.fd, Int32(SHUT_WR))
            return (try client.readReply(), try client.closesWithin(5))
        }
        #expect(reply.id == .number(1))
        #expect(closed)
    }

    @Test func aClientThatNeverWritesIsClosedAfterTheIdleTimeout() async throws {
        let running = try RunningControlServer(idleTimeout: .milliseconds(200))
        defer { running.stop() }
        let (reply, closed) = try await offPool {
            let client = try RawControlClient(path: running.path)
            return (try client.readReply(timeout: 10), try client.closesWithin(5))
        }
        #expect(reply.error?.code == .idleTimeout)
        #expect(closed)
        #expect(try await running.stillAnswers())
    }

    @Test func aSlowRequestIsNotCutOffByTheIdleTimeout() async throws {
        let running = try RunningControlServer(idleTimeout: .milliseconds(100))
        defer { running.stop() }
        let reply = try await offPool {
            let client = try RawControlClient(path: running.path)
            try client.send(ControlMethods.test, SubscriptionIDParams(id: "slow-400"), id: 1)
            return try client.readReply()
        }
        #expect(reply.id == .number(1))
        #expect(reply.error == nil)
    }

    @Test func aClientDisconnectingMidReplyDoesNotHurtTheServer() async throws {
        let running = try RunningControlServer()
        defer { running.stop() }
        try await offPool {
            for round in 0..<3 {
                let client = try RawControlClient(path: running.path)
                // 2 MiB of reply: far more than the socket buffers hold.
                try client.send(ControlMethods.upcoming, UpcomingParams(limit: 32), id: Int64(round))
                // Read a little of it, then go away.
                #expect(client.readSome() > 0)
            }
        }
        #expect(try await running.stillAnswers())
        try await waitUntil { running.server.connectionCount == 0 }
    }

    @Test func aClientLeavingWhileItsRequestIsHandledDoesNotHurtTheServer() async throws {
        let running = try RunningControlServer()
        defer { running.stop() }
        try await offPool {
            let client = try RawControlClient(path: running.path)
            try client.send(ControlMethods.test, SubscriptionIDParams(id: "slow-200"), id: 1)
        }
        try await waitUntil { running.handler.methods == ["test"] }
        #expect(try await running.stillAnswers())
        try await waitUntil { running.server.connectionCount == 0 }
    }

    @Test(.enabled(if: getuid() == 0, "runs a client as another user and gives the socket to another group"))
    func aPeerThatIsNotRootTheDaemonUserOrInTheGroupIsRefused() async throws {
        let running = try RunningControlServer(controlGroup: 4242)
        defer { running.stop() }
        // Open the file-system lock on purpose, to reach the second one: SO_PEERCRED.
        chmod(running.socket.directory, 0o755)
        chmod(running.path, 0o666)
        let refused = try await offPool { try runAsUser(uid: 65534, gid: 65534, socket: running.path) }
        let reply = try JSONDecoder().decode(ControlReply.self, from: Data(refused.utf8))
        #expect(reply.error?.code == .permissionDenied)
        #expect(reply.error?.message.contains("permission denied") == true)
        #expect(running.handler.methods.isEmpty)
        let member = try await offPool { try runAsUser(uid: 65534, gid: 4242, socket: running.path) }
        let allowed = try JSONDecoder().decode(ControlReply.self, from: Data(member.utf8))
        #expect(allowed.error == nil)
        #expect(try await running.stillAnswers())
    }

    @Test func connectionsOverTheLimitAreToldToTryAgain() async throws {
        let running = try RunningControlServer(maximumConnections: 2)
        defer { running.stop() }
        // This process is root or the daemon's user: it may use the reserve too.
        let room = 2 + ControlServer.Configuration.privilegedReserve
        let reply = try await offPool {
            var held: [RawControlClient] = []
            for id in 0..<room {
                let client = try RawControlClient(path: running.path)
                try client.send(ControlMethods.status, NoParams(), id: Int64(id))
                _ = try client.readReply()
                held.append(client)
            }
            let next = try RawControlClient(path: running.path)
            return try next.readReply()
        }
        #expect(reply.error?.code == .unavailable)
    }

    @Test(.enabled(if: getuid() == 0, "gives the socket to a group the test user is not in"))
    func theSocketIs0660InANew0750DirectoryOwnedByTheControlGroup() async throws {
        let running = try RunningControlServer(controlGroup: 4242) { $0.directory + "/run/concertd/c.sock" }
        defer { running.stop() }
        let path = running.server.configuration.socketPath
        var socketInfo = stat()
        var directoryInfo = stat()
        #expect(lstat(path, &socketInfo) == 0)
        #expect(lstat(running.socket.directory + "/run/concertd", &directoryInfo) == 0)
        #expect(socketInfo.st_mode & 0o777 == 0o660)
        #expect(socketInfo.st_mode & S_IFMT == S_IFSOCK)
        #expect(socketInfo.st_gid == 4242)
        #expect(socketInfo.st_uid == getuid())
        #expect(directoryInfo.st_mode & 0o777 == 0o750)
        #expect(directoryInfo.st_gid == 4242)
        running.server.stop()
        #expect(access(path, F_OK) != 0)
    }

    @Test func aStaleSocketIsReplacedButALiveDaemonsSocketIsNot() async throws {
        let socket = TemporarySocket()
        defer { socket.remove() }
        // A socket file nobody listens on, as a crashed daemon leaves it.
        let stale = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = try UnixSocketFile.address(of: socket.path)
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(stale, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        Glibc.close(stale)
        let handler = FakeControlHandler()
        let configuration = ControlServer.Configuration(socketPath: socket.path)
        let first = ControlServer(configuration: configuration, handler: handler, logger: .init(label: "test"))
        try first.start()
        defer { first.stop() }
        let second = ControlServer(configuration: configuration, handler: handler, logger: .init(label: "test"))
        #expect(throws: ControlServerError.self) { try second.start() }
        #expect(access(socket.path, F_OK) == 0)
    }

    @Test func aPathThatIsNotASocketIsLeftAlone() throws {
        let socket = TemporarySocket()
        defer { socket.remove() }
        _ = FileManager.default.createFile(atPath: socket.path, contents: Data("keep".utf8))
        let server = ControlServer(
            configuration: .init(socketPath: socket.path), handler: FakeControlHandler(), logger: .init(label: "test"))
        let error = #expect(throws: ControlServerError.self) { try server.start() }
        #expect(error?.description.contains("not a socket") == true)
        #expect(FileManager.default.contents(atPath: socket.path) == Data("keep".utf8))
    }

    @Test func aSocketPathTooLongForSunPathIsRefusedUpFront() throws {
        let path = "/tmp/" + String(repeating: "x", count: 120) + "/c.sock"
        let server = ControlServer(
            configuration: .init(socketPath: path), handler: FakeControlHandler(), logger: .init(label: "test"))
        let error = #expect(throws: ControlServerError.self) { try server.start() }
        #expect(error?.description.contains("107") == true)
    }

    @Test func stopClosesConnectedClients() async throws {
        let running = try RunningControlServer()
        defer { running.socket.remove() }
        let client = try await offPool { try RawControlClient(path: running.path) }
        try await waitUntil { running.server.connectionCount == 1 }
        running.server.stop()
        #expect(try await offPool { try client.closesWithin(5) })
    }
}

/// Polls `condition` until it holds, for at most five seconds.
func waitUntil(_ condition: @escaping @Sendable () -> Bool) async throws {
    for _ in 0..<500 {
        if condition() { return }
        try await Task.sleep(for: .milliseconds(10))
    }
    Issue.record("condition not met within 5 s")
}

/// Runs a tiny Python client as another user and returns the first line it read.
func runAsUser(uid: Int, gid: Int, socket: String) throws -> String {
    let script = """
        import socket, sys
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(10)
        s.connect(sys.argv[1])
        try:
            s.sendall(b'{"jsonrpc":"2.0","id":1,"method":"status"}\\n')
        except OSError:
            pass  # a refused peer may see EPIPE; the reply is still there to read
        data = b""
        try:
            while not data.endswith(b"\\n"):
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        except OSError:
            pass
        sys.stdout.write(data.decode())
        """
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
    process.arguments = [
        "--reuid=\(uid)", "--regid=\(gid)", "--clear-groups", "/usr/bin/python3", "-c", script, socket,
    ]
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
}
