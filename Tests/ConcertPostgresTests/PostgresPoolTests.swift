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
