import ConcertProtocol
import Foundation
import Glibc

/// Why a request got no reply from the daemon.
enum ControlClientError: Error {
    /// Nothing to connect to (no socket, nobody listening) or not allowed to connect.
    case unreachable(reason: String, permission: Bool)
    /// Connected, but no complete reply came back.
    case noReply(String)
}

/// Sends one request over the control socket and reads its reply.
///
/// Blocking socket calls, run on a thread of their own so an async caller's thread pool (a test
/// process also running the server) is never tied up.
struct ControlClient: Sendable {
    var socketPath: String
    /// Seconds to wait for the reply (`test` sends synchronously and may take a while); `nil`
    /// waits until the reply comes or `stop` is raised (a commit whose daemon is watched by
    /// other requests).
    var timeout: Double?
    /// Raised by another task to give up waiting.
    var stop: StopFlag? = nil
    /// The longest reply line read: listings can be long, but not endless.
    static let maximumReplyLength = 256 << 20

    /// Sends a request line (`ControlRequest.encodedLine`, without its newline).
    func send(line: Data) async throws(ControlClientError) -> ControlReply {
        let result: Result<ControlReply, ControlClientError> = await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: Result { () throws(ControlClientError) in try exchange(line) }) }
                .start()
        }
        return try result.get()
    }

    private func exchange(_ line: Data) throws(ControlClientError) -> ControlReply {
        let fd = try connectSocket()
        defer { close(fd) }
        var bytes = Array(line)
        bytes.append(UInt8(ascii: "\n"))
        var sent = 0
        while sent < bytes.count {
            let count = bytes.withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL))
            }
            if count < 0 {
                if errno == EINTR { continue }
                // A refused peer may be cut off while writing; its error reply is still there to read.
                break
            }
            sent += count
        }
        let replyLine = try readLine(fd)
        do {
            return try JSONDecoder().decode(ControlReply.self, from: Data(replyLine))
        } catch {
            throw .noReply("the daemon's reply is not a JSON-RPC reply")
        }
    }

    private func connectSocket() throws(ControlClientError) -> Int32 {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let path = Array(socketPath.utf8)
        guard path.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw .unreachable(reason: "the path is too long for a Unix socket", permission: false)
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: path)
            raw[path.count] = 0
        }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .unreachable(reason: String(cString: strerror(errno)), permission: false) }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard connected == 0 else {
            let code = errno
            close(fd)
            throw .unreachable(reason: String(cString: strerror(code)), permission: code == EACCES || code == EPERM)
        }
        // Reads wake at least every quarter second to look at the deadline and the stop flag.
        let slice = min(timeout ?? 0.25, 0.25)
        var limit = timeval(tv_sec: Int(slice), tv_usec: Int((slice - slice.rounded(.down)) * 1_000_000))
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var sendLimit = timeval(tv_sec: Int(timeout ?? 60), tv_usec: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &sendLimit, socklen_t(MemoryLayout<timeval>.size))
        return fd
    }

    private func readLine(_ fd: Int32) throws(ControlClientError) -> [UInt8] {
        let started = ContinuousClock.now
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        var scanned = 0
        while true {
            if let newline = received[scanned...].firstIndex(of: UInt8(ascii: "\n")) {
                return Array(received[..<newline])
            }
            scanned = received.count
            guard received.count <= Self.maximumReplyLength else { throw .noReply("the daemon's reply is too long") }
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                received += chunk[..<count]
            } else if count == 0 || errno == ECONNRESET {
                throw .noReply("concertd closed the connection without replying")
            } else if errno == EAGAIN || errno == EWOULDBLOCK {
                if stop?.isRaised == true { throw .noReply("stopped waiting") }
                if let timeout, ContinuousClock.now - started >= .milliseconds(Int(timeout * 1000)) {
                    throw .noReply("no reply within \(timeout.formatted()) s")
                }
            } else if errno != EINTR {
                throw .noReply("reading the reply failed: \(String(cString: strerror(errno)))")
            }
        }
    }
}

extension Double {
    fileprivate func formatted() -> String {
        self == rounded() ? String(Int(self)) : String(self)
    }
}

/// A flag one task raises to make another stop waiting for a reply.
final class StopFlag: @unchecked Sendable {
    // @unchecked: `raised` is only touched while holding `lock`.
    private let lock = NSLock()
    private var raised = false

    var isRaised: Bool { lock.withLock { raised } }

    func raise() { lock.withLock { raised = true } }
}
