import ConcertCore
import Foundation
import Hummingbird
import Logging
import Testing

@testable import ConcertWeb

#if canImport(Glibc)
    import Glibc
#endif

@Suite(.timeLimit(.minutes(1)))
struct HTTPListenerTests {
    @Test func theListenerServesPagesOnARealSocketAndStops() async throws {
        let frontDoor = WebFrontDoor(
            store: InMemoryWebStore(), settings: WebSettings(baseURL: "http://127.0.0.1"), now: { .now },
            logger: Logger(label: "test"))
        let listener = HTTPListener(
            name: "web", host: "127.0.0.1", port: 0, responder: frontDoor.router().buildResponder(),
            logger: Logger(label: "test"))
        let bound = try await listener.start()
        #expect(bound.port > 0)
        let reply = try Self.exchange(
            port: bound.port, "GET /style.css HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        #expect(reply.hasPrefix("HTTP/1.1 200 OK"))
        #expect(reply.lowercased().contains("\r\ndate: "), "\(reply.prefix(400))")
        #expect(reply.lowercased().contains("content-security-policy: default-src 'none'"))
        // A second listener on the same port fails to start, with the address in the error.
        let second = HTTPListener(
            name: "web", host: "127.0.0.1", port: bound.port, responder: frontDoor.router().buildResponder(),
            logger: Logger(label: "test"))
        await #expect(throws: HTTPListener.StartError.self) { try await second.start() }
        await listener.stop()
        #expect(throws: (any Error).self) {
            try Self.exchange(port: bound.port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        }
    }

    struct SocketError: Error {}

    /// Sends `request` on a new TCP connection to 127.0.0.1 and reads until the peer closes.
    static func exchange(port: Int, _ request: String) throws -> String {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SocketError() }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw SocketError() }
        let bytes = Array(request.utf8)
        guard send(fd, bytes, bytes.count, 0) == bytes.count else { throw SocketError() }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count <= 0 { break }
            received += buffer[0..<count]
        }
        return String(decoding: received, as: UTF8.self)
    }
}
