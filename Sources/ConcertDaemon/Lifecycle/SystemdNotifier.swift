import Foundation
import Logging

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Tells systemd how the daemon is doing (`Type=notify`): `READY=1`, `STATUS=…`, `RELOADING=1`,
/// `STOPPING=1`, `WATCHDOG=1`.
///
/// Speaks sd_notify's protocol directly, without libsystemd: one datagram per message, sent with
/// `sendto` on a fresh `SOCK_DGRAM` Unix socket to the address in `$NOTIFY_SOCKET`. When the
/// variable is unset (not started by systemd, or a unit without `Type=notify`) every call does
/// nothing. A failed send is logged once per kind and never stops the daemon.
public final class SystemdNotifier: Sendable {
    /// One field of a notification.
    public enum State: Sendable, Hashable {
        /// Start-up (or a reload) is finished: the database is open, the timer armed, the socket listening.
        case ready
        /// A reload has begun; send ``ready`` when it is done. Carries `MONOTONIC_USEC` as
        /// `Type=notify-reload` requires.
        case reloading
        /// Shutdown has begun.
        case stopping
        /// The current start, run or stop may take this much longer than the unit's timeout
        /// (`EXTEND_TIMEOUT_USEC`).
        case extendTimeout(Duration)
        /// The keep-alive ping for `WatchdogSec=`.
        case watchdog
        /// A one-line summary shown by `systemctl status`; newlines become spaces.
        case status(String)

        var field: String {
            switch self {
            case .ready: "READY=1"
            case .reloading: "RELOADING=1\nMONOTONIC_USEC=\(Self.monotonicMicroseconds())"
            case .stopping: "STOPPING=1"
            case .extendTimeout(let duration):
                "EXTEND_TIMEOUT_USEC=\(duration.components.seconds * 1_000_000 + duration.components.attoseconds / 1_000_000_000_000)"
            case .watchdog: "WATCHDOG=1"
            case .status(let text):
                "STATUS=" + String(text.map { $0.isNewline ? " " : $0 })
            }
        }

        static func monotonicMicroseconds() -> UInt64 {
            var now = timespec()
            clock_gettime(CLOCK_MONOTONIC, &now)
            return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1000
        }
    }

    /// Where notifications go, or `nil` when they go nowhere.
    let address: NotifySocketAddress?
    private let logger: Logger?

    /// - Parameters:
    ///   - environment: where `NOTIFY_SOCKET` is read.
    ///   - logger: where a failed send is reported (as a warning).
    public init(environment: [String: String] = ProcessInfo.processInfo.environment, logger: Logger? = nil) {
        self.address = environment["NOTIFY_SOCKET"].flatMap(NotifySocketAddress.init)
        self.logger = logger
        if address == nil, let value = environment["NOTIFY_SOCKET"] {
            logger?.warning(
                "NOTIFY_SOCKET is not a Unix socket path or abstract name; systemd will not be notified",
                metadata: ["notify_socket": "\(value)"])
        }
    }

    /// Whether notifications are sent (systemd gave a socket).
    public var isEnabled: Bool { address != nil }

    /// Sends the states as one message; `false` when it could not be sent (or there is no socket).
    @discardableResult
    public func notify(_ states: State...) -> Bool {
        notify(states)
    }

    /// Sends the states as one message; `false` when it could not be sent (or there is no socket).
    @discardableResult
    public func notify(_ states: [State]) -> Bool {
        guard let address, !states.isEmpty else { return false }
        let message = states.map(\.field).joined(separator: "\n")
        if let error = Self.send(message, to: address) {
            logger?.warning("cannot notify systemd", metadata: ["error": "\(error)", "message": "\(message)"])
            return false
        }
        return true
    }

    /// `READY=1`, with a status line when given.
    @discardableResult
    public func ready(status: String? = nil) -> Bool {
        notify([.ready] + (status.map { [.status($0)] } ?? []))
    }

    /// `STATUS=…`.
    @discardableResult
    public func status(_ text: String) -> Bool {
        notify(.status(text))
    }

    /// `RELOADING=1` (with `MONOTONIC_USEC`), with a status line when given.
    @discardableResult
    public func reloading(status: String? = nil) -> Bool {
        notify([.reloading] + (status.map { [.status($0)] } ?? []))
    }

    /// `STOPPING=1`, with a status line and `EXTEND_TIMEOUT_USEC` when given.
    @discardableResult
    public func stopping(status: String? = nil, extendingTimeoutBy extra: Duration? = nil) -> Bool {
        notify([.stopping] + (extra.map { [.extendTimeout($0)] } ?? []) + (status.map { [.status($0)] } ?? []))
    }

    /// `WATCHDOG=1`.
    @discardableResult
    public func watchdog() -> Bool {
        notify(.watchdog)
    }

    /// Sends one datagram; the `strerror` text on failure.
    static func send(_ message: String, to address: NotifySocketAddress) -> String? {
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return String(cString: strerror(errno)) }
        defer { close(fd) }
        let bytes = Array(message.utf8)
        let sent = address.storage.withUnsafeBytes { raw in
            raw.withMemoryRebound(to: sockaddr.self) { sockaddrs in
                bytes.withUnsafeBytes { body in
                    sendto(
                        fd, body.baseAddress, body.count, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT),
                        sockaddrs.baseAddress, address.length)
                }
            }
        }
        guard sent == bytes.count else { return sent < 0 ? String(cString: strerror(errno)) : "short write" }
        return nil
    }
}
