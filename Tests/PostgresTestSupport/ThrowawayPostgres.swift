import ConcertCore
import Foundation
import Testing

/// A throwaway PostgreSQL cluster for one test process: Debian's `initdb` into a temporary folder,
/// `postgres` on a free 127.0.0.1 port, default durability (fsync, synchronous_commit on).
///
/// Run by the end-to-end suite's own harness (`Tests/EndToEnd/harness/postgres.py`) as a child
/// process that obeys lines on its stdin, so that both suites start clusters the same way. It
/// removes the cluster when told to, or when this process ends (its stdin closes); the server
/// itself dies with that child.
///
/// ``shared()`` is one cluster for every test of the process, each test making its own database;
/// a test that stops the server makes a cluster of its own with ``start(tls:)``.
public final class ThrowawayPostgres: Sendable {
    public let port: Int
    /// The CA that signed the server's certificate, when started with `tls`.
    public let caFile: String?
    private let process: Process
    private let input: FileHandle
    private let output: LineReader
    private let names = Counter()

    static let harness = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("EndToEnd/harness/postgres.py")

    /// Why no cluster can be started here (PostgreSQL 15 missing, no `postgres` user for root,
    /// no python3), or `nil`.
    public static let unavailableReason: String? = {
        let bin = ProcessInfo.processInfo.environment["CONCERTD_TEST_PG_BIN"] ?? "/usr/lib/postgresql/15/bin"
        let install = "install the Debian packages postgresql-15 and postgresql-client-15 (sudo make test does)"
        for tool in ["initdb", "postgres"] where !FileManager.default.isExecutableFile(atPath: "\(bin)/\(tool)") {
            return "\(bin)/\(tool) is missing: \(install)"
        }
        if getuid() == 0 && getpwnam("postgres") == nil {
            return "initdb refuses root and the user postgres (made by the postgresql-15 package) does not exist"
        }
        if !FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") {
            return "python3 runs the cluster harness and is missing"
        }
        return nil
    }()

    /// Cancels the running test (or test case), naming why, when no cluster can run here.
    public static func requireAvailable() throws {
        if let unavailableReason { try Test.cancel("PostgreSQL cannot run here: \(unavailableReason)") }
    }

    private static let sharedCluster = SharedCluster()

    /// The cluster shared by the tests of this process, started by the first that asks.
    public static func shared() async throws -> ThrowawayPostgres {
        try requireAvailable()
        return try await sharedCluster.get()
    }

    /// A cluster of one's own (for a test that stops the server): call ``destroy()`` when done.
    public static func start(tls: Bool = false) async throws -> ThrowawayPostgres {
        try requireAvailable()
        return try await blocking { try ThrowawayPostgres(tls: tls) }
    }

    private init(tls: Bool) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [Self.harness.path] + (tls ? ["--tls"] : [])
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        self.process = process
        self.input = input.fileHandleForWriting
        self.output = LineReader(output.fileHandleForReading)
        guard let first = self.output.next(timeout: 180) else {
            process.terminate()
            throw ThrowawayPostgresError(message: "the PostgreSQL harness did not start a cluster (see its stderr)")
        }
        let words = first.split(separator: " ", omittingEmptySubsequences: false)
        guard let port = Int(words[0]) else {
            throw ThrowawayPostgresError(message: "the PostgreSQL harness said: \(first)")
        }
        self.port = port
        caFile = words.count > 1 && !words[1].isEmpty ? String(words[1]) : nil
    }

    /// A new, empty database, for the superuser `postgres` (no password: trusted on 127.0.0.1).
    public func makeDatabase(sslMode: DatabaseURL.SSLMode? = nil) async throws -> DatabaseURL {
        let name = "t\(ProcessInfo.processInfo.processIdentifier)_\(names.next())"
        let reply = try await request("create \(name)")
        var url = try DatabaseURL(parsing: reply)
        url.sslMode = sslMode
        return url
    }

    /// A login role that must give `password` (scram-sha-256) and owns nothing.
    public func createRole(_ name: String, password: String) async throws {
        _ = try await request("role \(name) \(password)")
    }

    /// The certificate of a CA that did not sign the server's (for a refused `verify-full`).
    public func otherCAFile() async throws -> String { try await request("other-ca") }

    /// A 127.0.0.1 port that refuses connections while this cluster lives (bound, not listening,
    /// so nothing else can take it).
    public func closedPort() async throws -> Int {
        let reply = try await request("closed-port")
        guard let port = Int(reply) else { throw ThrowawayPostgresError(message: "closed-port: \(reply)") }
        return port
    }

    /// Stops the server (fast shutdown), keeping its data and port.
    public func stopServer() async throws { _ = try await request("stop", expect: "stopped") }

    /// Starts the stopped server again.
    public func startServer() async throws { _ = try await request("start", expect: "started") }

    /// Stops the server and removes its folder.
    public func destroy() {
        try? input.close()
        process.waitUntilExit()
    }

    private func request(_ command: String, expect: String? = nil) async throws -> String {
        try await Self.blocking { [self] in
            try input.write(contentsOf: Data((command + "\n").utf8))
            guard let reply = output.next(timeout: 120) else {
                throw ThrowawayPostgresError(message: "the PostgreSQL harness did not answer '\(command)'")
            }
            if reply.hasPrefix("error ") || (expect != nil && reply != expect) {
                throw ThrowawayPostgresError(message: "'\(command)': \(reply)")
            }
            return reply
        }
    }

    /// Runs `body` on a thread of its own: nothing here blocks Swift's cooperative pool (two threads on two cores).
    public static func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }
}

public struct ThrowawayPostgresError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// Starts the shared cluster once, whoever asks first.
private actor SharedCluster {
    private var cluster: Task<ThrowawayPostgres, any Error>?

    func get() async throws -> ThrowawayPostgres {
        if let cluster { return try await cluster.value }
        let task = Task { try await ThrowawayPostgres.start() }
        cluster = task
        return try await task.value
    }
}

/// Lines of a child's stdout, read by a thread of their own.
private final class LineReader: @unchecked Sendable {
    // @unchecked: `lines`, `ended` are guarded by `condition`.
    private let condition = NSCondition()
    private var lines: [String] = []
    private var ended = false

    init(_ handle: FileHandle) {
        Thread { [self] in
            var pending = Data()
            while true {
                let chunk = handle.availableData
                condition.lock()
                if chunk.isEmpty {
                    ended = true
                    condition.broadcast()
                    condition.unlock()
                    return
                }
                pending += chunk
                while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    lines.append(String(decoding: pending[pending.startIndex..<newline], as: UTF8.self))
                    pending = Data(pending[pending.index(after: newline)...])
                }
                condition.broadcast()
                condition.unlock()
            }
        }.start()
    }

    /// The next line, or `nil` when none comes within `timeout` seconds or the output ended.
    func next(timeout: TimeInterval) -> String? {
        let deadline = Date(timeIntervalSinceNow: timeout)
        condition.lock()
        defer { condition.unlock() }
        while lines.isEmpty && !ended {
            if !condition.wait(until: deadline) { break }
        }
        return lines.isEmpty ? nil : lines.removeFirst()
    }
}

private final class Counter: @unchecked Sendable {
    // @unchecked: `value` is guarded by `lock`.
    private let lock = NSLock()
    private var value = 0

    func next() -> Int {
        lock.withLock {
            value += 1
            return value
        }
    }
}
