import ConcertCore
import Foundation
import PostgresTestSupport
import Synchronization
import Testing

@testable import ConcertPostgres

@Suite(.timeLimit(.minutes(2)))
struct PostgresPoolTests {
    @Test func aConnectionIsReusedAndALostOneIsReplacedOnTheNextCall() async throws {
        let url = try await ThrowawayPostgres.shared().makeDatabase()
        let pool = PostgresPool(settings: PostgresSettings(url: url), capacity: 2)
        let first = try pool.withConnection { $0.backendPID }
        #expect(try pool.withConnection { $0.backendPID } == first)
        let killer = try PostgresConnection(PostgresSettings(url: url))
        try killer.query("SELECT pg_terminate_backend($1)", [.integer(Int64(first))])
        #expect {
            try pool.withConnection { try $0.query("SELECT 1") }
        } throws: { ($0 as? PostgresError)?.kind == .connectionLost }
        let next = try pool.withConnection { try $0.query("SELECT pg_backend_pid()").int(0, 0) }
        #expect(next != Int(first))
    }

    @Test func noMoreThanCapacityConnectionsAreOpenAtOnce() async throws {
        let url = try await ThrowawayPostgres.shared().makeDatabase()
        let pool = PostgresPool(settings: PostgresSettings(url: url), capacity: 2)
        let pids = try await ThrowawayPostgres.blocking {
            let seen = Mutex(Set<Int32>())
            DispatchQueue.concurrentPerform(iterations: 8) { _ in
                let pid = try? pool.withConnection { connection -> Int32 in
                    _ = try connection.query("SELECT pg_sleep(0.05)")
                    return connection.backendPID
                }
                if let pid { seen.withLock { set in _ = set.insert(pid) } }
            }
            return seen.withLock { $0 }
        }
        #expect(pids.count >= 1 && pids.count <= 2)
    }

    @Test func aConnectionReturnedInsideAnOpenTransactionIsNotLentAgain() async throws {
        let url = try await ThrowawayPostgres.shared().makeDatabase()
        let pool = PostgresPool(settings: PostgresSettings(url: url), capacity: 1)
        let first = try pool.withConnection { connection in
            try connection.execute("BEGIN")
            connection.setInTransaction(true)
            return connection.backendPID
        }
        #expect(try pool.withConnection { $0.backendPID } != first)
    }
}

extension PostgresPoolTests {
    /// A server that accepts the TCP connection and never answers (a hung or half-dead host): the
    /// pool's first call waits for the connect timeout and records the outage; meanwhile a
    /// second caller, while another one tries to connect, fails at once with the outage's reason.
    @Test func duringAnOutageOneCallerConnectsAndTheOthersFailAtOnce() async throws {
        let silent = try SilentListener()
        defer { silent.close() }
        let url = try DatabaseURL(parsing: "postgresql://nobody@127.0.0.1:\(silent.port)/none")
        let pool = PostgresPool(settings: PostgresSettings(url: url, connectTimeoutSeconds: 2))
        #expect(pool.outage == nil)
        let first = ContinuousClock.now
        #expect(throws: PostgresError.self) { try pool.withConnection { _ in } }
        #expect(ContinuousClock.now - first >= .seconds(1.5), "waited for the connect timeout")
        let outage = try #require(pool.outage)
        #expect(outage.error.message.contains("timeout expired"), "\(outage.error)")
        #expect(outage.failures == 1)

        let connecting = Task.detached { try? pool.withConnection { _ in } }
        try await Task.sleep(for: .milliseconds(300))
        let second = ContinuousClock.now
        #expect(throws: PostgresError.self) { try pool.withConnection { _ in } }
        #expect(ContinuousClock.now - second < .milliseconds(500), "failed at once while another connects")
        await connecting.value
        #expect(pool.outage?.failures ?? 0 >= 2)
    }

    /// The outage ends with the first call that goes through.
    @Test func anOutageEndsWhenTheServerAnswersAgain() async throws {
        let cluster = try await ThrowawayPostgres.start()
        defer { cluster.destroy() }
        let url = try await cluster.makeDatabase()
        let pool = PostgresPool(settings: PostgresSettings(url: url))
        try pool.withConnection { _ = try $0.query("SELECT 1") }
        try await cluster.stopServer()
        #expect(throws: PostgresError.self) { try pool.withConnection { _ = try $0.query("SELECT 1") } }
        #expect(pool.outage != nil)
        try await cluster.startServer()
        try pool.withConnection { _ = try $0.query("SELECT 1") }
        #expect(pool.outage == nil)
    }
}

/// A TCP port on 127.0.0.1 whose connections the kernel accepts and nobody ever answers.
final class SilentListener: Sendable {
    let descriptor: Int32
    let port: Int

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(descriptor, 16) == 0 else { throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        self.descriptor = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    func close() { _ = Glibc.close(descriptor) }
}
