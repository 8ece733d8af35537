import Foundation
import Testing

/// The real daemon run out of descriptors by its clients: the accept loop, which tries again every
/// 100 ms, says so once in the journal and says when it accepts again, instead of an error per try.
extension ConcertdExitStatusTests {
    @Test func aDaemonOutOfDescriptorsSaysSoOnceAndAgainWhenItAcceptsClients() throws {
        let socket = TemporarySocket()
        defer { socket.remove() }
        let config = socket.directory + "/concertd.conf"
        try "control_max_clients = 1024\n".write(toFile: config, atomically: true, encoding: .utf8)
        let receiver = try DatagramReceiver()
        let (daemon, error) = try ConcertdBinaryTests.launch(
            daemonArguments(state: socket.directory + "/state", socket: socket.path)
                + ["--config", config, "--clock-start", "2019-10-20T00:00+09:00"],
            wrapper: limitedTo(64), environment: ["NOTIFY_SOCKET": receiver.notifySocket],
            directory: socket.directory)
        defer { if daemon.isRunning { daemon.terminate() } }
        #expect(receiver.receive(timeout: 20)?.hasPrefix("READY=1") == true)

        // Each client held open takes one of the daemon's 64 descriptors; 100 are more than it has.
        var clients: [RawControlClient] = []
        for _ in 0..<100 { clients.append(try RawControlClient(path: socket.path)) }
        usleep(1_500_000)  // the real daemon's own 100 ms retries: about fifteen of them
        clients.removeAll()
        // The daemon notices the closed clients one by one; on a loaded machine the backlog of
        // refused connects can outlast a first try. Up to 40 s, each try bounded.
        let status = { try runCtlBinary(["status", "--socket", socket.path, "--timeout", "5"]) }
        var served = try status()
        let until = Date().addingTimeInterval(40)
        while served.status != 0 && Date() < until {
            usleep(500_000)
            served = try status()
        }
        #expect(served.status == 0, "a client is served once descriptors are free: \(served.error)")

        kill(daemon.processIdentifier, SIGTERM)
        // Bounded: a daemon that does not stop fails this test instead of holding the whole run.
        let stopBy = Date().addingTimeInterval(30)
        while daemon.isRunning && Date() < stopBy { usleep(50_000) }
        if daemon.isRunning {
            Issue.record("the daemon did not stop within 30 s of SIGTERM")
            kill(daemon.processIdentifier, SIGKILL)
        }
        daemon.waitUntilExit()
        let journal = String(decoding: error.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let failures = journal.split(separator: "\n").filter { $0.contains("control socket cannot accept") }
        #expect(failures.count == 1, "\(failures.count) lines: \(failures.prefix(3))")
        #expect(failures.first?.contains("Too many open files") == true)
        #expect(journal.contains("control socket accepting again"), "\(journal.suffix(2000))")
    }

    /// The pause above ends by a Dispatch timer, and libdispatch opens a timer's descriptor (a
    /// timerfd) when a timer of its kind is first armed: armed only once descriptors have run out,
    /// it never fires, and the daemon stops accepting for good (seen under load: no timerfd among
    /// the hung daemon's descriptors). The daemon arms one of each clock it uses at start, while
    /// descriptors are free: the control socket's pause (uptime) and the scheduler's timer (wall
    /// clock), whose first arming may come when a fan-out holds every descriptor.
    @Test func aStartedDaemonAlreadyHoldsItsTimerDescriptor() throws {
        let socket = TemporarySocket()
        defer { socket.remove() }
        let receiver = try DatagramReceiver()
        let (daemon, _) = try ConcertdBinaryTests.launch(
            daemonArguments(state: socket.directory + "/state", socket: socket.path)
                + ["--clock-start", "2019-10-20T00:00+09:00"],
            environment: ["NOTIFY_SOCKET": receiver.notifySocket], directory: socket.directory)
        defer { if daemon.isRunning { daemon.terminate() } }
        #expect(receiver.receive(timeout: 20)?.hasPrefix("READY=1") == true)
        let folder = "/proc/\(daemon.processIdentifier)/fd"
        // libdispatch opens a timerfd on its manager thread after the timer is armed: on a loaded
        // machine that can take a while after READY, so the count is awaited for up to 10 s.
        var timerfds = 0
        for _ in 0..<200 where timerfds < 2 {
            timerfds =
                (try FileManager.default.contentsOfDirectory(atPath: folder)).filter { name in
                    (try? FileManager.default.destinationOfSymbolicLink(atPath: folder + "/" + name))
                        == "anon_inode:[timerfd]"
                }.count
            if timerfds < 2 { usleep(50_000) }
        }
        #expect(timerfds >= 2, "\(timerfds) timerfds among the daemon's descriptors, not one per clock")
    }
}
