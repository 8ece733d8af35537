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

    /// The pause above ends by a Dispatch timer, and libdispatch opens a clock's timer descriptor
    /// (a timerfd) only when it sets the kernel timer for a timer of that clock not yet due: one
    /// first armed once descriptors have run out never fires, and the daemon stops accepting for
    /// good (seen under load: no timerfd among the hung daemon's descriptors). A timer 1 ms ahead
    /// is often due before libdispatch gets to it on a loaded machine and opens nothing. The daemon
    /// keeps one timer of each clock it uses armed far ahead for its whole life: the control
    /// socket's pause (uptime, CLOCK_MONOTONIC) and the scheduler's timer (wall, CLOCK_REALTIME),
    /// whose first arming may come when a fan-out holds every descriptor.
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
        let pid = daemon.processIdentifier
        // libdispatch opens the timerfds on its manager thread after the timers are armed: on a
        // loaded machine that can take a while after READY, so they are awaited for up to 10 s.
        let both: Set<Int> = [0, 1]
        var clocks = armedTimerClocks(of: pid)
        let until = Date().addingTimeInterval(10)
        while !clocks.isSuperset(of: both) && Date() < until {
            usleep(50_000)
            clocks = armedTimerClocks(of: pid)
        }
        #expect(clocks.isSuperset(of: both), "clock ids of the daemon's armed timerfds: \(clocks.sorted())")
        // They last: a client's connection arms and cancels an uptime timer, and time passes.
        let served = try runCtlBinary(["status", "--socket", socket.path, "--timeout", "5"])
        #expect(served.status == 0, "\(served.error)")
        usleep(1_500_000)
        let later = armedTimerClocks(of: pid)
        #expect(later.isSuperset(of: both), "clock ids of its armed timerfds 1.5 s later: \(later.sorted())")
    }

    /// The clock ids (0 CLOCK_REALTIME, 1 CLOCK_MONOTONIC, 7 CLOCK_BOOTTIME) of the armed timerfds
    /// among a process's descriptors; a timerfd whose `it_value` is zero is disarmed and left out.
    private func armedTimerClocks(of pid: pid_t) -> Set<Int> {
        let folder = "/proc/\(pid)/fd"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return Set(
            names.compactMap { name -> Int? in
                guard
                    (try? FileManager.default.destinationOfSymbolicLink(atPath: folder + "/" + name))
                        == "anon_inode:[timerfd]",
                    let info = try? String(contentsOfFile: "/proc/\(pid)/fdinfo/\(name)", encoding: .utf8)
                else { return nil }
                let fields = Dictionary(
                    info.split(separator: "\n").map { line -> (String, String) in
                        let parts = line.split(separator: ":", maxSplits: 1)
                        return (
                            String(parts[0]),
                            parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
                        )
                    }, uniquingKeysWith: { first, _ in first })
                guard fields["it_value"] != "(0, 0)", let clock = fields["clockid"].flatMap({ Int($0) })
                else { return nil }
                return clock
            })
    }
}
