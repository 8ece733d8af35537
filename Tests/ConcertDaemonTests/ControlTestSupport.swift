import ConcertProtocol
import Foundation
import Glibc
import Logging

@testable import ConcertDaemon

/// A short socket path in a fresh temporary directory (`/tmp/cd-XXXXXX/c.sock`), removed with `remove()`.
struct TemporarySocket {
    let directory: String
    var path: String { directory + "/c.sock" }

    init() {
        var template = Array("/tmp/cd-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(made != nil, "mkdtemp failed")
        directory = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// Runs blocking work on a thread of its own.
///
/// Not on the cooperative pool, whose few threads the server's handler tasks need, and not on
/// Dispatch's global queues either: on Linux their pool grows only slowly past threads blocked
/// in `poll`, and the server's own queue runs there.
func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try work() }) }
        thread.start()
    }
}

struct TestClientError: Error, CustomStringConvertible {
    var description: String
}

/// A deliberately raw, blocking client: sends any bytes, reads reply lines with a timeout.
final class RawControlClient: @unchecked Sendable {
    let fd: Int32
    private var buffered: [UInt8] = []

    init(path: String) throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard result == 0 else {
            let code = errno
            Glibc.close(fd)
            throw TestClientError(description: "connect \(path): \(String(cString: strerror(code)))")
        }
    }

    deinit { Glibc.close(fd) }

    /// Sends all of `bytes`; `false` if the server has closed (EPIPE, ECONNRESET).
    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let count = bytes.withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL))
            }
            if count < 0 {
                if errno == EINTR { continue }
                return false
            }
            sent += count
        }
        return true
    }

    @discardableResult
    func send(line: String) -> Bool { send(Array(line.utf8) + [10]) }

    /// Sends one request; returns its id.
    func send<P, R>(_ method: ControlMethod<P, R>, _ params: P, id: Int64) throws {
        let request = try ControlRequest(id: .number(id), method: method, params: params)
        let data = try JSONCoding.lineEncoder().encode(request)
        send(Array(data) + [10])
    }

    /// The next line, or `nil` at end of stream (or a reset after the server closed).
    func readLine(timeout: Double = 10) throws -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let newline = buffered.firstIndex(of: 10) {
                let line = String(decoding: buffered[..<newline], as: UTF8.self)
                buffered.removeSubrange(...newline)
                return line
            }
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else { throw TestClientError(description: "no reply within \(timeout) s") }
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, Int32(remaining * 1000) + 1) >= 0 else { continue }
            guard descriptor.revents != 0 else { continue }
            var chunk = [UInt8](repeating: 0, count: 65_536)
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                buffered += chunk[..<count]
            } else if count == 0 || errno == ECONNRESET {
                return nil
            } else if errno != EINTR && errno != EAGAIN {
                throw TestClientError(description: "recv: \(String(cString: strerror(errno)))")
            }
        }
    }

    /// Reads whatever arrives first (up to 64 KiB) and returns how many bytes that was.
    func readSome(timeout: Double = 10) -> Int {
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, Int32(timeout * 1000)) > 0 else { return 0 }
        var chunk = [UInt8](repeating: 0, count: 65_536)
        return max(0, chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) })
    }

    /// The next reply, decoded.
    func readReply(timeout: Double = 10) throws -> ControlReply {
        guard let line = try readLine(timeout: timeout) else {
            throw TestClientError(description: "closed before a reply")
        }
        return try JSONDecoder().decode(ControlReply.self, from: Data(line.utf8))
    }

    /// Whether the server closes the connection (after any further lines) within `timeout`.
    func closesWithin(_ timeout: Double) throws -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while deadline.timeIntervalSinceNow > 0 {
            guard try readLine(timeout: max(0.01, deadline.timeIntervalSinceNow)) != nil else { return true }
        }
        return false
    }
}

/// A handler with a few methods that behave like the daemon's, and a record of what it was asked.
final class FakeControlHandler: ControlHandler, @unchecked Sendable {
    private let lock = NSLock()
    private var handledMethods: [String] = []
    private var mutations = 0
    private let router: ControlRouter

    /// Every method the handler ran, in order.
    var methods: [String] { lock.withLock { handledMethods } }
    /// How many requests changed "stored data".
    var mutationCount: Int { lock.withLock { mutations } }

    init() {
        var router = ControlRouter(logger: Logger(label: "test"))
        router.register(ControlMethods.status) { _, _ in FakeControlHandler.status }
        router.register(ControlMethods.subscriptions) { params, _ in
            SubscriptionsResult(subscriptions: [FakeControlHandler.subscription(city: params.city ?? "busan")])
        }
        router.register(ControlMethods.test) { params, _ in
            // "slow-N" takes N milliseconds, to show that replies keep request order.
            if params.id.hasPrefix("slow-"), let millis = Int(params.id.dropFirst(5)) {
                try await Task.sleep(for: .milliseconds(millis))
            }
            return TestResult(subscription: params.id, delivered: true, detail: "HTTP 204")
        }
        router.register(ControlMethods.upcoming) { params, _ in
            // `limit` deliveries of 64 KiB each: a reply as large as asked for, to disconnect in the middle of.
            let padding = String(repeating: "e", count: 65_536)
            return DeliveriesResult(
                deliveries: (0..<(params.limit ?? 1)).map {
                    DeliveryInfo(
                        id: Int64($0), subscription: "sub-\($0)", concert: "busan", offset: "1d",
                        due: "2019-10-28T14:00:00+09:00", state: "failed", lastError: padding)
                })
        }
        self.router = router
    }

    func handle(_ request: ControlRequest, peer: PeerCredentials) async -> ControlReply {
        lock.withLock { handledMethods.append(request.method) }
        if request.method == ControlMethods.pause.name {
            guard let params = try? request.decodeParams(for: ControlMethods.pause) else {
                return .failure(id: request.id ?? .null, error: .invalidParams("params.id is required", field: "id"))
            }
            guard params.id == "sub-known" else {
                return .failure(
                    id: request.id ?? .null, error: .notFound("no subscription '\(params.id)'", field: "id"))
            }
            lock.withLock { mutations += 1 }
            return .success(
                id: request.id ?? .null,
                result: SubscriptionChangeResult(subscription: Self.subscription(city: "busan", state: "paused")))
        }
        return await router.handle(request, peer: peer)
    }

    static let status = StatusResult(
        version: "0.1.0", uptimeSeconds: 42,
        clock: ClockStatus(now: "2019-10-25T09:00:00+09:00", shifted: true, rate: 60),
        counts: StatusCounts(concerts: ["scheduled": 16], subscriptions: ["active": 2], deliveries: ["scheduled": 6]))

    static func subscription(city: String, state: String = "active") -> SubscriptionInfo {
        SubscriptionInfo(
            id: "sub-known", cities: [city], kind: "email", channel: "a@example.org", before: ["1d"], lang: "ko",
            state: state)
    }
}

/// A started server on a temporary socket with a fake handler; `stop()` removes both.
struct RunningControlServer {
    let socket: TemporarySocket
    let server: ControlServer
    let handler: FakeControlHandler
    var path: String { socket.path }

    init(
        idleTimeout: Duration = .seconds(30), maximumConnections: Int = 64, controlGroup: gid_t? = nil,
        policy: ControlAccessPolicy? = nil, socketPath: ((TemporarySocket) -> String)? = nil
    ) throws {
        socket = TemporarySocket()
        handler = FakeControlHandler()
        let configuration = ControlServer.Configuration(
            socketPath: socketPath?(socket) ?? socket.path, controlGroup: controlGroup, idleTimeout: idleTimeout,
            maximumConnections: maximumConnections)
        server = ControlServer(
            configuration: configuration, handler: handler, logger: Logger(label: "concertd.control.test"),
            accessPolicy: policy)
        try server.start()
    }

    func stop() {
        server.stop()
        socket.remove()
    }

    /// Whether a fresh client still gets `status` answered.
    func stillAnswers() async throws -> Bool {
        let path = server.configuration.socketPath
        return try await offPool {
            let client = try RawControlClient(path: path)
            try client.send(ControlMethods.status, NoParams(), id: 99)
            let reply = try client.readReply()
            return reply.id == .number(99)
                && (try? reply.decodeResult(as: StatusResult.self)) == FakeControlHandler.status
        }
    }
}
