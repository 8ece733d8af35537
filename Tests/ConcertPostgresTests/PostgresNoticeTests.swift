import ConcertCore
import Foundation
import PostgresTestSupport
import Testing

@testable import ConcertPostgres

/// What the server says outside a statement's reply reaches concertd, never libpq's default
/// printer on standard error: a warning goes to the handler the daemon sets, and the `FATAL` a
/// server sends an idle connection as it ends the session names the connection's loss.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct PostgresNoticeTests {
    final class Heard: @unchecked Sendable {
        // @unchecked: `notices` is guarded by `lock`.
        private let lock = NSLock()
        private var notices: [PostgresNotice] = []
        func add(_ notice: PostgresNotice) { lock.withLock { notices.append(notice) } }
        var all: [PostgresNotice] { lock.withLock { notices } }
    }

    @Test func aWarningGoesToTheHandlerNotToStandardError() async throws {
        let url = try await ThrowawayPostgres.shared().makeDatabase()
        let connection = try PostgresConnection(PostgresSettings(url: url))
        defer { connection.close() }
        let heard = Heard()
        PostgresNotices.setHandler { heard.add($0) }
        defer { PostgresNotices.setHandler(nil) }
        let marker = "notice-\(UUID().uuidString.prefix(8))"
        try connection.execute("DO $$ BEGIN RAISE WARNING '\(marker)'; END $$")
        let notice = try #require(heard.all.first { $0.message == marker }, "\(heard.all)")
        #expect(notice.severity == "WARNING")
        #expect(notice.sqlState == "01000")
    }

    @Test func anIdleConnectionEndedByTheServerIsLostWithTheServersReason() async throws {
        let url = try await ThrowawayPostgres.shared().makeDatabase()
        let idle = try PostgresConnection(PostgresSettings(url: url))
        defer { idle.close() }
        let heard = Heard()
        PostgresNotices.setHandler { heard.add($0) }
        defer { PostgresNotices.setHandler(nil) }
        let killer = try PostgresConnection(PostgresSettings(url: url))
        defer { killer.close() }
        try killer.query("SELECT pg_terminate_backend($1)", [.integer(Int64(idle.backendPID))])
        // The server's FATAL arrives on the idle socket, as the listener reads it.
        var error: PostgresError?
        for _ in 0..<50 where error == nil {
            do { try idle.consumeInput() } catch let lost { error = lost }
            if error == nil { try await Task.sleep(for: .milliseconds(100)) }
        }
        let lost = try #require(error)
        #expect(lost.kind == .connectionLost)
        #expect(lost.sqlState == "57P01", "\(lost)")
        #expect("\(lost)".contains("terminating connection due to administrator command"), "\(lost)")
        // Reported by the error, not passed on as a notice as well.
        #expect(!heard.all.contains { $0.sqlState == "57P01" }, "\(heard.all)")
    }
}
