import ConcertProtocol
import Foundation
import Glibc
import Testing

@testable import ConcertDaemon

/// A connection holds its slot only by sending requests: blank lines, bytes of a line never
/// finished and lines that are not requests do not keep it open; and however many slots others
/// hold, root and the daemon's own user still get in.
@Suite(.timeLimit(.minutes(1)))
struct ControlConnectionLimitTests {
    /// Sends `bytes` every 50 ms until the server closes the connection or `seconds` pass;
    /// returns the replies read and whether the connection was closed.
    static func trickle(_ bytes: [UInt8], into client: RawControlClient, for seconds: Double) throws -> (
        replies: [ControlReply], closed: Bool
    ) {
        let deadline = Date().addingTimeInterval(seconds)
        var replies: [ControlReply] = []
        while Date() < deadline {
            guard client.send(bytes) else {
                // The server closed while replies it wrote before were still unread here (one is
                // read per line sent, and a loaded machine lets them queue): read them to the end.
                while let line = try? client.readLine(timeout: 1) {
                    replies.append(try JSONDecoder().decode(ControlReply.self, from: Data(line.utf8)))
                }
                return (replies, true)
            }
            do {
                guard let line = try client.readLine(timeout: 0.05) else { return (replies, true) }
                replies.append(try JSONDecoder().decode(ControlReply.self, from: Data(line.utf8)))
            } catch is TestClientError {
                continue  // nothing within 50 ms
            }
        }
        return (replies, false)
    }

    @Test(arguments: [
        ("blank lines", Array("\n".utf8)), ("carriage returns", Array("\r\n".utf8)),
        ("bytes of a line never finished", Array("{".utf8)), ("spaces", Array("   ".utf8)),
    ])
    func aClientSendingNoRequestsIsClosedAfterTheIdleTimeout(_ what: String, _ bytes: [UInt8]) async throws {
        let running = try RunningControlServer(idleTimeout: .milliseconds(300))
        defer { running.stop() }
        let (replies, closed) = try await offPool { () throws -> ([ControlReply], Bool) in
            let client = try RawControlClient(path: running.path)
            let result = try Self.trickle(bytes, into: client, for: 5)
            return (result.replies, try result.closed || client.closesWithin(2))
        }
        #expect(closed, "\(what) kept the connection open")
        #expect(replies.last?.error?.code == .idleTimeout, "\(what): \(replies)")
    }

    @Test func linesThatAreNotRequestsDoNotHoldTheConnectionEither() async throws {
        let running = try RunningControlServer(idleTimeout: .milliseconds(300))
        defer { running.stop() }
        let (replies, closed) = try await offPool { () throws -> ([ControlReply], Bool) in
            let client = try RawControlClient(path: running.path)
            let result = try Self.trickle(Array("x\n".utf8), into: client, for: 5)
            return (result.replies, try result.closed || client.closesWithin(2))
        }
        #expect(closed)
        #expect(replies.contains { $0.error?.code == .parseError })
        #expect(replies.last?.error?.code == .idleTimeout)
    }

    @Test func aClientSendingRequestsStaysOpen() async throws {
        let running = try RunningControlServer(idleTimeout: .milliseconds(300))
        defer { running.stop() }
        let request = Array(#"{"jsonrpc":"2.0","id":1,"method":"status"}"#.utf8) + [10]
        let (replies, closed) = try await offPool {
            try Self.trickle(request, into: try RawControlClient(path: running.path), for: 1.5)
        }
        #expect(!closed)
        #expect(replies.count >= 10 && replies.allSatisfy { $0.error == nil })
    }

    @Test func aClientThatReadsNoneOfItsRepliesIsClosedAfterTheIdleTimeout() async throws {
        let running = try RunningControlServer(idleTimeout: .milliseconds(300))
        defer { running.stop() }
        let client = try await offPool { try RawControlClient(path: running.path) }
        // 4 MiB of reply, far more than the socket buffers hold, and never read.
        try client.send(ControlMethods.upcoming, UpcomingParams(limit: 64), id: 1)
        try await waitUntil { running.handler.methods == ["upcoming"] }
        try await waitUntil { running.server.connectionCount == 0 }
        #expect(running.server.connectionCount == 0)
        #expect(try await running.stillAnswers())
        withExtendedLifetime(client) {}
    }

    /// The control server takes its limits once, at start: a reload says so rather than pretend.
    @Test func aReloadSaysTheControlLimitsTakeEffectAtTheNextStart() throws {
        let daemon = try TestDaemon(config: "control_idle_timeout = 30s\ncontrol_max_clients = 32\n")
        defer { daemon.remove() }
        try "control_idle_timeout = 5s\ncontrol_max_clients = 8\n".write(
            toFile: daemon.directory + "/concertd.conf", atomically: true, encoding: .utf8)
        let summary = try daemon.daemon.reload(requestedBy: .signal("SIGHUP"))
        #expect(summary.restartNeeded.sorted() == ["control_idle_timeout", "control_max_clients"])
    }

    @Test(.enabled(if: getuid() == 0, "opens connections as another user"))
    func withEverySlotTakenByOthersRootStillGetsIn() async throws {
        let running = try RunningControlServer(maximumConnections: 3, controlGroup: 4242)
        defer { running.stop() }
        chmod(running.socket.directory, 0o755)
        chmod(running.path, 0o666)
        // A member of the control group opens one connection more than there are slots, and holds them.
        let holder = try ConnectionHolder(uid: 65534, gid: 4242, socket: running.path, count: 4)
        defer { holder.stop() }
        #expect(holder.outcomes == ["ok", "ok", "ok", "unavailable"])
        let reserve = ControlServer.Configuration.privilegedReserve
        let (rootReplies, refusedRoot) = try await offPool { () throws -> ([ControlReply], ControlReply) in
            var clients: [RawControlClient] = []
            var replies: [ControlReply] = []
            for id in 0..<reserve {
                let client = try RawControlClient(path: running.path)
                try client.send(ControlMethods.status, NoParams(), id: Int64(id))
                replies.append(try client.readReply())
                clients.append(client)
            }
            let past = try RawControlClient(path: running.path)
            try past.send(ControlMethods.status, NoParams(), id: 99)
            return (replies, try past.readReply())
        }
        #expect(rootReplies.count == reserve && rootReplies.allSatisfy { $0.error == nil })
        #expect(refusedRoot.error?.code == .unavailable, "the reserve is a reserve, not a door left open")
    }
}

/// A Python process running as another user that opens `count` connections, sends `status` on
/// each, reports how each was answered, and holds them open until stopped.
final class ConnectionHolder {
    let process = Process()
    private let input = Pipe()
    /// `ok`, or the name of the error each connection was answered with, in order.
    let outcomes: [String]

    init(uid: Int, gid: Int, socket: String, count: Int) throws {
        let script = """
            import json, socket, sys
            held = []
            for n in range(int(sys.argv[2])):
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.settimeout(10)
                s.connect(sys.argv[1])
                try:
                    s.sendall(b'{"jsonrpc":"2.0","id":1,"method":"status"}\\n')
                except OSError:
                    pass
                line = s.makefile().readline()
                reply = json.loads(line)
                print(reply["error"]["data"]["name"] if "error" in reply else "ok", flush=True)
                held.append(s)
            print("holding", flush=True)
            sys.stdin.read()
            """
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        process.arguments = [
            "--reuid=\(uid)", "--regid=\(gid)", "--clear-groups", "/usr/bin/python3", "-c", script, socket, "\(count)",
        ]
        let output = Pipe()
        process.standardOutput = output
        process.standardInput = input
        try process.run()
        var lines: [String] = []
        var buffer = Data()
        while !lines.contains("holding") {
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else { break }
            buffer += chunk
            lines = String(decoding: buffer, as: UTF8.self).split(separator: "\n").map(String.init)
        }
        outcomes = lines.filter { $0 != "holding" }
    }

    func stop() {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }
}
