import Foundation
import Glibc

/// A webhook receiver on 127.0.0.1 that answers every POST with 204, keeping connections alive:
/// the far end of a real fan-out. Counts the requests it has answered.
final class WebhookSink: @unchecked Sendable {
    // @unchecked: `answered` is only touched while holding `lock`; `fd` is immutable.
    private let fd: Int32
    let port: UInt16
    private let lock = NSLock()
    private var answered = 0
    private var closed = false

    init() throws {
        (fd, port) = try loopbackListeningSocket(backlog: 128)
        Thread { [self] in acceptLoop() }.start()
    }

    var requests: Int { lock.withLock { answered } }

    func stop() {
        lock.withLock { closed = true }
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
            Thread { [self] in serve(client) }.start()
        }
    }

    /// Answers the requests of one connection until the client closes it.
    private func serve(_ client: Int32) {
        defer { close(client) }
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            // A whole request: headers, then Content-Length bytes of body.
            while true {
                if let end = headerEnd(buffer) {
                    let headers = String(decoding: buffer[..<end], as: UTF8.self).lowercased()
                    let length =
                        headers.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                        .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) }
                        ?? 0
                    if buffer.count >= end + 4 + length {
                        buffer.removeFirst(end + 4 + length)
                        break
                    }
                }
                let count = recv(client, &chunk, chunk.count, 0)
                guard count > 0 else { return }
                buffer += chunk[..<count]
            }
            let reply = Array("HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n".utf8)
            guard send(client, reply, reply.count, Int32(MSG_NOSIGNAL)) == reply.count else { return }
            lock.withLock { answered += 1 }
        }
    }

    private func headerEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in 0...(bytes.count - 4)
        where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
            return index
        }
        return nil
    }
}
