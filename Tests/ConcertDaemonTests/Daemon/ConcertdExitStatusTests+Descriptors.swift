import Foundation
import Testing

/// The real binary under a lowered `RLIMIT_NOFILE`: too few descriptors to run at all is refused
/// with 78 naming the limit and `LimitNOFILE=`, never a trap of Dispatch (SIGILL) or an error
/// about the file that happened to meet the limit.
extension ConcertdExitStatusTests {
    /// `sh` sets the limit (`ulimit -n` sets the soft and the hard limit, `-S` the soft only), then
    /// runs concertd.
    func limitedTo(_ limit: Int, softOnly: Bool = false) -> [String] {
        ["/bin/sh", "-c", "ulimit \(softOnly ? "-S " : "")-n \(limit) && exec \"$@\"", "sh"]
    }

    @Test(arguments: [4, 8, 12, 16, 24, 32, 63])
    func tooFewDescriptorsExit78NamingTheLimit(limit: Int) throws {
        let socket = TemporarySocket()
        defer { socket.remove() }
        let exit = try run(
            daemonArguments(state: socket.directory + "/state", socket: socket.path), wrapper: limitedTo(limit),
            directory: socket.directory)
        #expect(exit.status == 78, "limit \(limit): \(exit.error)")
        #expect(
            exit.error.contains("this process may open only \(limit) file descriptors")
                && exit.error.contains("LimitNOFILE=") && exit.error.contains("at least 64"),
            "\(exit.error)")
        #expect(!FileManager.default.fileExists(atPath: socket.directory + "/state"), "nothing was touched")
    }

    @Test func theMinimumIsEnoughToStartServeAClientAndStopCleanly() throws {
        let socket = TemporarySocket()
        defer { socket.remove() }
        let receiver = try DatagramReceiver()
        let (daemon, _) = try ConcertdBinaryTests.launch(
            daemonArguments(state: socket.directory + "/state", socket: socket.path)
                + ["--clock-start", "2019-10-20T00:00+09:00"],
            wrapper: limitedTo(64), environment: ["NOTIFY_SOCKET": receiver.notifySocket],
            directory: socket.directory)
        defer { if daemon.isRunning { daemon.terminate() } }
        #expect(receiver.receive(timeout: 20)?.hasPrefix("READY=1") == true)
        let subscribed = try runCtlBinary([
            "subscribe", "busan", "--webhook", "https://hooks.example.org/a", "--quiet", "--socket", socket.path,
        ])
        #expect(subscribed.status == 0, "\(subscribed.error)")
        let status = try runCtlBinary(["status", "--socket", socket.path])
        #expect(status.status == 0, "\(status.error)")
        kill(daemon.processIdentifier, SIGTERM)
        daemon.waitUntilExit()
        #expect(daemon.terminationReason == .exit && daemon.terminationStatus == 0)
    }

    @Test func aLowSoftLimitIsRaisedToTheHardLimitAndTheDaemonStarts() throws {
        let socket = TemporarySocket()
        defer { socket.remove() }
        let receiver = try DatagramReceiver()
        let (daemon, _) = try ConcertdBinaryTests.launch(
            daemonArguments(state: socket.directory + "/state", socket: socket.path)
                + ["--clock-start", "2019-10-20T00:00+09:00"],
            wrapper: limitedTo(16, softOnly: true), environment: ["NOTIFY_SOCKET": receiver.notifySocket],
            directory: socket.directory)
        defer { if daemon.isRunning { daemon.terminate() } }
        #expect(receiver.receive(timeout: 20)?.hasPrefix("READY=1") == true)
        let limits = try String(contentsOfFile: "/proc/\(daemon.processIdentifier)/limits", encoding: .utf8)
        let line = limits.split(separator: "\n").first { $0.hasPrefix("Max open files") } ?? ""
        let soft = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst(3).first.flatMap { Int($0) }
        #expect((soft ?? 0) >= 64, "\(line)")
        kill(daemon.processIdentifier, SIGTERM)
        daemon.waitUntilExit()
        #expect(daemon.terminationStatus == 0)
    }
}
