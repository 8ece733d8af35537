import Foundation
import Testing

@testable import ConcertDaemon

@Suite(.timeLimit(.minutes(1)))
struct SystemdNotifierTests {
    @Test func everyNotificationArrivesOnASocketFile() throws {
        let receiver = try DatagramReceiver()
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": receiver.notifySocket])
        #expect(notifier.isEnabled)

        #expect(notifier.ready(status: "3 concerts, 12 subscriptions, next reminder 10-28 14:00"))
        #expect(receiver.receive() == "READY=1\nSTATUS=3 concerts, 12 subscriptions, next reminder 10-28 14:00")
        #expect(notifier.status("2 sends in flight"))
        #expect(receiver.receive() == "STATUS=2 sends in flight")
        #expect(notifier.watchdog())
        #expect(receiver.receive() == "WATCHDOG=1")
        #expect(notifier.stopping(status: "stopping: waiting for 2 sends"))
        #expect(receiver.receive() == "STOPPING=1\nSTATUS=stopping: waiting for 2 sends")
        #expect(notifier.stopping(status: "stopping", extendingTimeoutBy: .seconds(25) + .milliseconds(1)))
        #expect(receiver.receive() == "STOPPING=1\nEXTEND_TIMEOUT_USEC=25001000\nSTATUS=stopping")
    }

    @Test func notificationsArriveOnAnAbstractSocket() throws {
        let receiver = try DatagramReceiver(
            abstractName: "concertd-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        #expect(receiver.notifySocket.hasPrefix("@"))
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": receiver.notifySocket])
        #expect(notifier.ready())
        #expect(receiver.receive() == "READY=1")
        #expect(notifier.notify(.stopping))
        #expect(receiver.receive() == "STOPPING=1")
    }

    @Test func reloadingCarriesTheMonotonicTimeThatNotifyReloadRequires() throws {
        let receiver = try DatagramReceiver()
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": receiver.notifySocket])
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let before = UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1000
        #expect(notifier.reloading(status: "reloading configuration"))
        let lines = try #require(receiver.receive()).split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[0] == "RELOADING=1")
        let microseconds = try #require(UInt64(lines[1].dropFirst("MONOTONIC_USEC=".count)))
        #expect(lines[1].hasPrefix("MONOTONIC_USEC=") && microseconds >= before)
        #expect(lines[2] == "STATUS=reloading configuration")
    }

    @Test func aStatusIsAlwaysOneLine() throws {
        let receiver = try DatagramReceiver()
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": receiver.notifySocket])
        notifier.status("line one\nline two")
        #expect(receiver.receive() == "STATUS=line one line two")
    }

    @Test func withoutNotifySocketEveryCallDoesNothing() {
        let notifier = SystemdNotifier(environment: [:])
        #expect(!notifier.isEnabled)
        #expect(!notifier.ready(status: "x"))
        #expect(!notifier.watchdog())
    }

    @Test(arguments: ["", "relative/path", "vsock:2:1234", "@", "/" + String(repeating: "x", count: 108)])
    func anUnusableNotifySocketDisablesNotification(value: String) {
        #expect(!SystemdNotifier(environment: ["NOTIFY_SOCKET": value]).isEnabled)
    }

    @Test func theAddressLengthCountsExactlyTheName() throws {
        let offset = MemoryLayout<sockaddr_un>.offset(of: \sockaddr_un.sun_path)!
        #expect(try #require(NotifySocketAddress("@abc")).length == socklen_t(offset + 4))
        #expect(try #require(NotifySocketAddress("/run/n")).length == socklen_t(offset + 7))
        #expect(NotifySocketAddress("@" + String(repeating: "x", count: 107)) != nil)  // abstract: no NUL needed
        #expect(NotifySocketAddress("/" + String(repeating: "x", count: 107)) == nil)  // path: 107 + NUL > 108
    }

    @Test func aSendThatFailsReturnsFalseInsteadOfStoppingTheDaemon() throws {
        var receiver: DatagramReceiver? = try DatagramReceiver()
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": receiver!.notifySocket])
        receiver = nil  // the socket file is gone
        #expect(!notifier.ready())
    }
}
