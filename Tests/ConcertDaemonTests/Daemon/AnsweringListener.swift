import Foundation
import Glibc

/// An HTTP receiver on 127.0.0.1 that answers every request with one status and closes the
/// connection: a webhook endpoint that is gone (410), failing (500) or fine (204).
final class AnsweringListener: @unchecked Sendable {
    // @unchecked: `listener` is only read; its thread ends when the socket is closed.
    private let listener: HangingListener
    var port: UInt16 { listener.port }

    init(status: Int, reason: String) throws {
        listener = try HangingListener()
        let fd = listener.fd
        let answer = "HTTP/1.1 \(status) \(reason)\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        Thread {
            while true {
                let client = accept(fd, nil, nil)
                guard client >= 0 else { return }
                Self.readRequest(client)
                _ = answer.withCString { send(client, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
                close(client)
            }
        }.start()
    }

    /// Reads the head and a body of `Content-Length` bytes.
    private static func readRequest(_ client: Int32) {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(client, &buffer, buffer.count, 0)
            guard count > 0 else { return }
            received += buffer[..<count]
            let text = String(decoding: received, as: UTF8.self)
            guard let end = text.range(of: "\r\n\r\n") else { continue }
            let head = text[..<end.lowerBound].lowercased()
            let length =
                head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
            if text.utf8.count - text[..<end.upperBound].utf8.count >= length { return }
        }
    }

    func stop() {
        shutdown(listener.fd, Int32(SHUT_RDWR))
    }
}
