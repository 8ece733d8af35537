import ConcertProtocol
import Foundation
import Glibc

/// The built `concertd` binary running as a child process on a temporary state folder and socket:
/// for requests that must be seen to leave the real daemon standing (a trap there ends only the
/// child, and the test sees it).
final class ConcertdProcess: @unchecked Sendable {
    static let binary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        .appendingPathComponent("concertd").path

    let socket = TemporarySocket()
    let process = Process()
    var socketPath: String { socket.path }

    /// Starts the daemon with a shifted clock and the shipped catalog, and waits until it answers.
    init(clockStart: String = "2019-10-20T00:00+09:00", config: [String: String] = [:]) throws {
        let directory = socket.directory
        var arguments = [
            "--catalog", TestDaemon.catalogPath, "--state-dir", directory + "/state", "--socket", socket.path,
            "--clock-start", clockStart,
        ]
        if !config.isEmpty {
            let file = directory + "/concertd.conf"
            let text = config.sorted { $0.key < $1.key }.map { "\($0.key) = \($0.value)\n" }.joined()
            try text.write(toFile: file, atomically: true, encoding: .utf8)
            arguments += ["--config", file]
        }
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = arguments
        process.environment = [
            "HOME": directory, "CONFIGURATION_DIRECTORY": directory + "/etc", "PATH": "/usr/bin:/bin",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(20)
        while !answersStatus() {
            guard process.isRunning, Date() < deadline else {
                stop()
                throw TestClientError(description: "concertd did not start answering within 20 s")
            }
            usleep(50_000)
        }
    }

    /// Whether a fresh connection gets `status` answered.
    func answersStatus() -> Bool {
        guard let client = try? RawControlClient(path: socket.path) else { return false }
        guard (try? client.send(ControlMethods.status, NoParams(), id: 1)) != nil,
            let reply = try? client.readReply(timeout: 5)
        else { return false }
        return reply.error == nil
    }

    /// Sends one raw request line on a connection of its own and returns the reply, if one came.
    func exchange(_ line: String, timeout: Double = 10) -> ControlReply? {
        guard let client = try? RawControlClient(path: socket.path), client.send(line: line) else { return nil }
        return try? client.readReply(timeout: timeout)
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        socket.remove()
    }
}
