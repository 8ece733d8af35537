import Foundation
import Glibc

/// A webhook receiver on 127.0.0.1 that answers every request with one status and closes the
/// connection: an endpoint that is fine (204, the default: enough for the daemon's sends to be
/// recorded `sent`), gone (410) or failing (500).
final class AnsweringListener: @unchecked Sendable {
    // @unchecked: `requests` is only touched while holding `lock`; `fd` is closed once, by `stop`.
    let fd: Int32
    let port: UInt16
    private let reply: [UInt8]
    private let lock = NSLock()
    private var count = 0

    /// How many requests were answered.
    var requests: Int { lock.withLock { count } }

    func url(_ path: String = "/hook") -> String { "http://127.0.0.1:\(port)\(path)" }

    init(status: Int = 204, reason: String = "No Content") throws {
        reply = Array("HTTP/1.1 \(status) \(reason)\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".utf8)
        (fd, port) = try loopbackListeningSocket(backlog: 64)
        Thread { [self] in acceptLoop() }.start()
    }

    /// Stops accepting: the accept loop ends when the socket is shut down.
    func stop() {
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
    }

    private func acceptLoop() {
        while true {
            let client = accept(fd, nil, nil)
            guard client >= 0 else {
                if errno == EINTR { continue }
                return
            }
            answer(client)
            close(client)
        }
    }

    /// Reads the request head and as many body bytes as `Content-Length` says, then answers.
    private func answer(_ client: Int32) {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var expected: Int?
        while expected.map({ received.count < $0 }) ?? true {
            let n = read(client, &buffer, buffer.count)
            guard n > 0 else { return }
            received += buffer[0..<n]
            if expected == nil, let end = received.firstRange(of: Array("\r\n\r\n".utf8)) {
                let head = String(decoding: received[..<end.lowerBound], as: UTF8.self).lowercased()
                let length =
                    head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                    .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
                expected = end.upperBound + length
            }
        }
        _ = reply.withUnsafeBytes { write(client, $0.baseAddress, $0.count) }
        lock.withLock { count += 1 }
    }
}
