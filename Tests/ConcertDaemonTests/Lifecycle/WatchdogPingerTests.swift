import Dispatch
import Foundation
import Testing

@testable import ConcertDaemon

@Suite(.timeLimit(.minutes(1)))
struct WatchdogPingerTests {
    @Test func theIntervalIsHalfOfWatchdogUsecForThisProcessOnly() {
        #expect(WatchdogPinger.interval(environment: ["WATCHDOG_USEC": "30000000"], pid: 42) == .seconds(15))
        #expect(
            WatchdogPinger.interval(environment: ["WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "42"], pid: 42)
                == .seconds(15))
        #expect(
            WatchdogPinger.interval(environment: ["WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "7"], pid: 42) == nil)
        #expect(WatchdogPinger.interval(environment: ["WATCHDOG_USEC": "0"], pid: 42) == nil)
        #expect(WatchdogPinger.interval(environment: ["WATCHDOG_USEC": "soon"], pid: 42) == nil)
        #expect(WatchdogPinger.interval(environment: [:], pid: 42) == nil)
    }

    @Test func noPingerWithoutANotifySocketOrAWatchdog() {
        let notifier = SystemdNotifier(environment: [:])
        #expect(WatchdogPinger(notifier: notifier, environment: ["WATCHDOG_USEC": "1000000"]) == nil)
        let enabled = SystemdNotifier(environment: ["NOTIFY_SOCKET": "/run/systemd/notify"])
        #expect(WatchdogPinger(notifier: enabled, environment: [:]) == nil)
    }

    @Test func thePingerSendsWatchdogRepeatedly() throws {
        let receiver = try DatagramReceiver()
        let environment = ["NOTIFY_SOCKET": receiver.notifySocket, "WATCHDOG_USEC": "40000"]
        let notifier = SystemdNotifier(environment: environment)
        let pinger = try #require(WatchdogPinger(notifier: notifier, environment: environment))
        #expect(pinger.interval == .milliseconds(20))
        pinger.start()
        defer { pinger.stop() }
        #expect(receiver.receive() == "WATCHDOG=1")  // at once
        #expect(receiver.receive() == "WATCHDOG=1")  // and again one interval later
    }

    @Test func anUnhealthyDaemonStopsPinging() throws {
        let receiver = try DatagramReceiver()
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": receiver.notifySocket])
        let checks = DispatchSemaphore(value: 0)
        let pinger = WatchdogPinger(
            notifier: notifier, interval: .milliseconds(5), queue: DispatchQueue(label: "test.watchdog"),
            isHealthy: {
                checks.signal()
                return false
            })
        pinger.start()
        #expect(checks.wait(timeout: .now() + 5) == .success)
        #expect(checks.wait(timeout: .now() + 5) == .success)
        pinger.stop()
        #expect(receiver.pending() == nil)
    }

    @Test func stoppingAPingerThatNeverStartedIsSafe() throws {
        let receiver = try DatagramReceiver()
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": receiver.notifySocket])
        let pinger = WatchdogPinger(notifier: notifier, interval: .seconds(1), queue: DispatchQueue(label: "t"))
        pinger.stop()
        pinger.start()  // after stop: nothing
        #expect(receiver.pending() == nil)
    }
}
